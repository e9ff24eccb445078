// The SQL revision format: headers, sections, and every problem with its line.
#include "core/revisions/revision_parser.hpp"
#include "support/test_helpers.hpp"

using migrate::core::RevisionFormat;
using migrate::test::parse;
using migrate::test::problems_of;
using Strings = std::vector<std::string>;

TEST_CASE("parse_sql_revision: reads headers and sections with their lines") {
  const std::string content =
      "-- migrate:revision 8fb4c8c111aa\n"       // 1
      "-- migrate:parents a5d47eb28402, 77aa\n"  // 2
      "-- migrate:message add first and last names\n"
      "-- migrate:transaction off\n"  // 4
      "-- migrate:statement-timeout 30s\n"
      "\n"
      "-- migrate:up\n"  // 7
      "ALTER TABLE users ADD COLUMN first text;\n"
      "\n"
      "-- migrate:contract\n"  // 10
      "ALTER TABLE users DROP COLUMN name;\n"
      "\n"
      "-- migrate:down\n"  // 13
      "ALTER TABLE users DROP COLUMN first;\n";
  auto parsed = parse("migrations/8fb4c8c111aa.sql", content);
  REQUIRE(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  const auto& revision = *parsed.revision;
  CHECK(revision.id == "8fb4c8c111aa");
  CHECK(revision.id_line == 1);
  CHECK(revision.parents == Strings{"a5d47eb28402", "77aa"});
  CHECK(revision.is_merge());
  CHECK_FALSE(revision.is_root());
  CHECK(revision.message == "add first and last names");
  CHECK_FALSE(revision.transactional);
  CHECK(revision.statement_timeout == "30s");
  CHECK(revision.format == RevisionFormat::sql);
  CHECK(revision.path == "migrations/8fb4c8c111aa.sql");
  CHECK(revision.content == content);
  CHECK(revision.up.present);
  CHECK(revision.up.first_line == 8);
  CHECK(revision.text(revision.up) == "ALTER TABLE users ADD COLUMN first text;\n\n");
  CHECK(revision.contract.first_line == 11);
  CHECK(revision.text(revision.contract) == "ALTER TABLE users DROP COLUMN name;\n\n");
  CHECK(revision.down.first_line == 14);
  CHECK_THAT(std::string(revision.text(revision.down)),
             Catch::StartsWith("ALTER TABLE users DROP COLUMN first;\n"));
  CHECK(revision.has_contract());
}

TEST_CASE("parse_sql_revision: a section's text is its range of the file, in any copy") {
  // No newline at the end, CRLF lines and a lint-ignore marker inside a section.
  const std::string content =
      "-- migrate:revision a\r\n-- migrate:up\r\n-- migrate:lint-ignore all\r\nSELECT 1;\r\n"
      "-- migrate:down\r\nSELECT 2;";
  auto parsed = parse("a.sql", content);
  REQUIRE(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  migrate::core::Revision copy = *parsed.revision;
  parsed.revision.reset();
  CHECK(copy.text(copy.up) == "-- migrate:lint-ignore all\r\nSELECT 1;\r\n");
  CHECK(copy.text(copy.down) == "SELECT 2;");
  CHECK(copy.down.first_line == 6);
  CHECK_FALSE(copy.contract.present);
  CHECK(copy.text(copy.contract).empty());
  // A marker on the last line leaves an empty section, not one past the end.
  auto last = parse("b.sql", "-- migrate:revision b\n-- migrate:up\nSELECT 1;\n-- migrate:down");
  REQUIRE(last.revision);
  CHECK(last.revision->down.present);
  CHECK(last.revision->text(last.revision->down).empty());
}

TEST_CASE("parse_revision: a file given away moves its content, or stays whole on problems") {
  std::vector<migrate::FileProblem> problems;
  const std::string good = "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n";
  migrate::core::SourceFile file{"a.sql", good};
  auto revision = migrate::core::parse_revision(std::move(file), problems);
  REQUIRE(revision);
  CHECK(revision->content == good);
  CHECK(revision->path == "a.sql");
  CHECK(revision->text(revision->up) == "SELECT 1;\n");
  // A problem found only once the content is in the revision (the section
  // does not split) still leaves the file as it was, for declared_id.
  const std::string bad = "-- migrate:revision b\n-- migrate:up\nSELECT 'unterminated;\n";
  migrate::core::SourceFile broken{"b.sql", bad};
  CHECK_FALSE(migrate::core::parse_revision(std::move(broken), problems));
  CHECK(broken.content == bad);
  CHECK(broken.path == "b.sql");
  CHECK(migrate::core::declared_id(broken) == "b");
  CHECK_FALSE(problems.empty());
}

TEST_CASE("parse_revision: fills the checksum of the file content") {
  const std::string content = migrate::test::sql_text("a1");
  auto parsed = parse("a1.sql", content);
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->content == content);
}

TEST_CASE("parse_sql_revision: without parents the revision is a root, transactional by default") {
  auto parsed = parse("a.sql", "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n");
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->is_root());
  CHECK(parsed.revision->transactional);
  CHECK(parsed.revision->message.empty());
  CHECK(parsed.revision->statement_timeout.empty());
  CHECK_FALSE(parsed.revision->contract.present);
  CHECK_FALSE(parsed.revision->down.present);
  CHECK_FALSE(parsed.revision->has_contract());
}

TEST_CASE("parse_sql_revision: transaction accepts on, off, true and false") {
  auto transactional = [](const std::string& value) {
    auto parsed = parse("a.sql", "-- migrate:revision a\n-- migrate:transaction " + value +
                                     "\n-- migrate:up\nSELECT 1;\n");
    REQUIRE(parsed.revision);
    return parsed.revision->transactional;
  };
  CHECK(transactional("on"));
  CHECK(transactional("true"));
  CHECK_FALSE(transactional("off"));
  CHECK_FALSE(transactional("false"));
}

TEST_CASE("parse_sql_revision: a bad transaction value is named with its line") {
  CHECK(problems_of(
            "m/a.sql",
            "-- migrate:revision a\n-- migrate:transaction maybe\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"m/a.sql:2: transaction must be 'on' or 'off', not 'maybe'"});
}

TEST_CASE("parse_sql_revision: CRLF files parse like LF files") {
  auto lf =
      parse("a.sql", "-- migrate:revision a\n-- migrate:parents p\n-- migrate:up\nSELECT 1;\n");
  auto crlf = parse(
      "a.sql", "-- migrate:revision a\r\n-- migrate:parents p\r\n-- migrate:up\r\nSELECT 1;\r\n");
  REQUIRE(crlf.problems == Strings{});
  REQUIRE(crlf.revision);
  CHECK(crlf.revision->id == "a");
  CHECK(crlf.revision->parents == Strings{"p"});
  CHECK(crlf.revision->up.first_line == 4);
  CHECK(migrate::core::checksum(crlf.revision->content) ==
        migrate::core::checksum(lf.revision->content));
}

TEST_CASE("parse_sql_revision: comments before '-- migrate:up' are allowed") {
  auto parsed = parse(
      "a.sql",
      "-- a note for readers\n-- migrate:revision a\n\n-- more notes\n-- migrate:up\nSELECT 1;\n");
  CHECK(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->id_line == 2);
}

TEST_CASE("parse_sql_revision: a file without a revision id") {
  CHECK(problems_of("m/a.sql", "-- migrate:message no id\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"m/a.sql:1: no revision id (add a line '-- migrate:revision <id>')"});
}

TEST_CASE("parse_sql_revision: the revision id must be one word") {
  const std::string expected =
      "a.sql:1: revision id must be one word, e.g. '-- migrate:revision 8fb4c8c111aa'";
  CHECK(problems_of("a.sql", "-- migrate:revision a b\n-- migrate:up\nSELECT 1;\n") ==
        Strings{expected});
  CHECK(problems_of("a.sql", "-- migrate:revision a,b\n-- migrate:up\nSELECT 1;\n") ==
        Strings{expected});
  CHECK(problems_of("a.sql", "-- migrate:revision\n-- migrate:up\nSELECT 1;\n") ==
        Strings{expected});
}

TEST_CASE("parse_sql_revision: an unknown header suggests the closest key") {
  CHECK(problems_of("a.sql",
                    "-- migrate:revision a\n-- migrate:parent b\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"a.sql:2: unknown header '-- migrate:parent' (did you mean 'parents'?)"});
  CHECK(problems_of(
            "a.sql",
            "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:dwon\nSELECT 2;\n") ==
        Strings{"a.sql:4: unknown header '-- migrate:dwon' (did you mean 'down'?)"});
  CHECK(problems_of(
            "a.sql",
            "-- migrate:revision a\n-- migrate:statement_timeout 5s\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"a.sql:2: unknown header '-- migrate:statement_timeout' (did you mean "
                "'statement-timeout'?)"});
}

TEST_CASE("parse_sql_revision: an unknown header far from every key gets no suggestion") {
  CHECK(
      problems_of("a.sql",
                  "-- migrate:revision a\n-- migrate:frobnicate yes\n-- migrate:up\nSELECT 1;\n") ==
      Strings{"a.sql:2: unknown header '-- migrate:frobnicate'"});
}

TEST_CASE("parse_sql_revision: SQL before '-- migrate:up' is refused") {
  CHECK(problems_of(
            "a.sql",
            "-- migrate:revision a\n\nCREATE TABLE t (id int);\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"a.sql:3: SQL before '-- migrate:up' (every statement belongs to a section)"});
}

TEST_CASE("parse_sql_revision: a section that appears twice") {
  CHECK(
      problems_of("a.sql",
                  "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n") ==
      Strings{"a.sql:4: section 'up' appears twice"});
  CHECK(
      problems_of(
          "a.sql",
          "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:down\n-- migrate:down\n") ==
      Strings{"a.sql:5: section 'down' appears twice"});
}

TEST_CASE("parse_sql_revision: a header that appears twice names its first line") {
  CHECK(problems_of("a.sql",
                    "-- migrate:revision a\n-- migrate:message one\n-- migrate:message two\n-- "
                    "migrate:up\nSELECT 1;\n") ==
        Strings{"a.sql:3: header 'message' appears twice (first on line 2)"});
  CHECK(problems_of("a.sql",
                    "-- migrate:revision a\n-- migrate:revision b\n-- migrate:up\nSELECT 1;\n") ==
        Strings{"a.sql:2: header 'revision' appears twice (first on line 1)"});
}

TEST_CASE("parse_sql_revision: a header after '-- migrate:up' is refused") {
  CHECK(problems_of("a.sql",
                    "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:message late\n") ==
        Strings{"a.sql:4: header '-- migrate:message' must come before '-- migrate:up'"});
}

TEST_CASE("parse_sql_revision: text after a section marker is refused") {
  CHECK(problems_of("a.sql", "-- migrate:revision a\n-- migrate:up SELECT 1;\nSELECT 1;\n") ==
        Strings{"a.sql:2: unexpected text after '-- migrate:up'"});
}

TEST_CASE("parse_sql_revision: a file without an up section") {
  CHECK(problems_of("m/a.sql", "-- migrate:revision a\n-- migrate:down\nSELECT 1;\n") ==
        Strings{"m/a.sql:1: no '-- migrate:up' section"});
}

TEST_CASE("parse_sql_revision: an empty up section makes a draft, on the marker's line") {
  auto parsed = parse("a.sql",
                      "-- migrate:revision a\n-- migrate:parents p\n\n-- migrate:up\n-- nothing "
                      "yet\n\n-- migrate:down\nSELECT 1;\n");
  CHECK(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->is_draft());
  CHECK(parsed.revision->draft_line == 4);
  CHECK(migrate::core::draft_problem(*parsed.revision).located() ==
        "a.sql:4: the 'up' section is empty");
}

TEST_CASE("parse_sql_revision: a revision with statements is no draft") {
  auto parsed = parse("a.sql", "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n");
  REQUIRE(parsed.revision);
  CHECK_FALSE(parsed.revision->is_draft());
}

TEST_CASE("parse_sql_revision: a merge revision may have an empty up section") {
  auto parsed = parse("m.sql",
                      "-- migrate:revision m\n-- migrate:parents b c\n-- migrate:up\n-- joins b "
                      "and c\n-- migrate:down\n");
  CHECK(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->is_merge());
  CHECK_FALSE(parsed.revision->is_draft());
  CHECK(parsed.revision->up.present);
  CHECK(parsed.revision->text(parsed.revision->up).empty());
  CHECK(parsed.revision->text(parsed.revision->down).empty());
}

TEST_CASE("parse_sql_revision: a contract section of comments only has no contract") {
  auto parsed = parse(
      "a.sql", "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:contract\n-- later\n");
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->contract.present);
  CHECK(parsed.revision->text(parsed.revision->contract).empty());
  CHECK_FALSE(parsed.revision->has_contract());
}

TEST_CASE("parse_sql_revision: every problem of a file is reported together") {
  auto problems = problems_of("a.sql",
                              "-- migrate:revison a\n"              // 1
                              "-- migrate:transaction sometimes\n"  // 2
                              "DROP TABLE users;\n"                 // 3
                              "-- migrate:up\n"                     // 4
                              "SELECT 1;\n");
  CHECK(problems ==
        Strings{
            "a.sql:1: unknown header '-- migrate:revison' (did you mean 'revision'?)",
            "a.sql:2: transaction must be 'on' or 'off', not 'sometimes'",
            "a.sql:3: SQL before '-- migrate:up' (every statement belongs to a section)",
            "a.sql:1: no revision id (add a line '-- migrate:revision <id>')",
        });
}

// The contract: nothing is applied when any file is invalid. A statement timeout
// that is not a duration must be found when the directory is loaded, not when
// the executor reaches that revision after applying the ones before it.
TEST_CASE(
    "parse_sql_revision: a statement-timeout that is not a duration is refused with its line") {
  auto good =
      parse("a.sql",
            "-- migrate:revision a\n-- migrate:statement-timeout 1.5s\n-- migrate:up\nSELECT 1;\n");
  CHECK(good.problems == Strings{});
  auto bad = problems_of(
      "a.sql",
      "-- migrate:revision a\n-- migrate:statement-timeout soon\n-- migrate:up\nSELECT 1;\n");
  REQUIRE(bad.size() == 1);
  CHECK_THAT(bad[0], Catch::StartsWith("a.sql:2: ") && Catch::Contains("'soon'"));
}

TEST_CASE("split_ids: spaces, commas and tabs separate ids") {
  using migrate::core::split_ids;
  CHECK(split_ids("a b") == Strings{"a", "b"});
  CHECK(split_ids("a, b,c\td") == Strings{"a", "b", "c", "d"});
  CHECK(split_ids("  a  ") == Strings{"a"});
  CHECK(split_ids("") == Strings{});
  CHECK(split_ids(" , ") == Strings{});
}

TEST_CASE("format_of: the format comes from the extension") {
  using migrate::core::format_of;
  CHECK(format_of("m/a.sql") == RevisionFormat::sql);
  CHECK(format_of("m/a.yaml") == RevisionFormat::yaml);
  CHECK(format_of("m/a.yml") == RevisionFormat::yaml);
  CHECK_FALSE(format_of("m/a.txt"));
  CHECK_FALSE(format_of("m/sql"));
  CHECK_FALSE(format_of("m/a.sql.bak"));
}

TEST_CASE("parse_revision: a file of another extension is not a revision") {
  CHECK(problems_of("m/README.md", "# notes\n") ==
        Strings{"m/README.md: not a revision file (expected .sql, .yaml or .yml)"});
}
