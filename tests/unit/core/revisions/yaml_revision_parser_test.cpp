// The YAML revision format: metadata keys, the operations list, and every
// problem with its line.
#include <variant>

#include "core/revisions/revision_parser.hpp"
#include "support/test_helpers.hpp"

using migrate::core::RevisionFormat;
using migrate::core::SqlOp;
using migrate::test::parse;
using migrate::test::problems_of;
using Strings = std::vector<std::string>;

namespace {

// A YAML revision with one raw `sql` operation, after `header` lines.
std::string yaml_with(const std::string& header) {
  return header +
         "operations:\n"
         "  - sql:\n"
         "      up: SELECT 1\n";
}

}  // namespace

TEST_CASE("parse_yaml_revision: reads metadata and operations") {
  const std::string content =
      "revision: 8fb4c8c111aa\n"             // 1
      "parents: [a5d47eb28402, 77aa]\n"      // 2
      "message: add first and last names\n"  // 3
      "transaction: false\n"                 // 4
      "statement_timeout: 30s\n"             // 5
      "operations:\n"                        // 6
      "  - sql:\n"                           // 7
      "      up: ALTER TABLE users ADD COLUMN first text\n"
      "      down: ALTER TABLE users DROP COLUMN first\n"
      "  - sql:\n"  // 10
      "      up: SELECT 1\n"
      "      contract: ALTER TABLE users DROP COLUMN name\n";
  auto parsed = parse("m/8fb4c8c111aa.yaml", content);
  REQUIRE(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  const auto& revision = *parsed.revision;
  CHECK(revision.id == "8fb4c8c111aa");
  CHECK(revision.id_line == 1);
  CHECK(revision.parents == Strings{"a5d47eb28402", "77aa"});
  CHECK(revision.message == "add first and last names");
  CHECK_FALSE(revision.transactional);
  CHECK(revision.statement_timeout == "30s");
  CHECK(revision.format == RevisionFormat::yaml);
  CHECK(revision.path == "m/8fb4c8c111aa.yaml");
  CHECK(revision.content == content);
  CHECK(revision.content == content);
  REQUIRE(revision.operations.size() == 2);
  CHECK(revision.operations[0].kind == "sql");
  CHECK(revision.operations[0].line == 7);
  const auto& first = std::get<SqlOp>(revision.operations[0].spec);
  CHECK(first.up == "ALTER TABLE users ADD COLUMN first text");
  CHECK(first.down == "ALTER TABLE users DROP COLUMN first");
  CHECK(revision.operations[1].line == 10);
  CHECK(std::get<SqlOp>(revision.operations[1].spec).contract ==
        "ALTER TABLE users DROP COLUMN name");
  CHECK(revision.has_contract());
}

TEST_CASE("parse_yaml_revision: parents may be a list, a string of ids, or absent") {
  auto parents_of = [](const std::string& header) {
    auto parsed = parse("r.yml", yaml_with("revision: r\n" + header));
    REQUIRE(parsed.problems == Strings{});
    return parsed.revision->parents;
  };
  CHECK(parents_of("parents:\n  - a\n  - b\n") == Strings{"a", "b"});
  CHECK(parents_of("parents: a, b\n") == Strings{"a", "b"});
  CHECK(parents_of("parents: a\n") == Strings{"a"});
  CHECK(parents_of("parents:\n") == Strings{});
  CHECK(parents_of("parents: []\n") == Strings{});
  CHECK(parents_of("") == Strings{});
}

TEST_CASE("parse_yaml_revision: a revision without contract work has no contract") {
  auto parsed = parse("r.yaml", yaml_with("revision: r\n"));
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->transactional);
  CHECK_FALSE(parsed.revision->has_contract());
}

TEST_CASE("parse_yaml_revision: a numeric id is read as text") {
  auto parsed = parse("r.yaml", yaml_with("revision: 20240101\n"));
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->id == "20240101");
}

TEST_CASE("parse_yaml_revision: an unknown key suggests the closest key") {
  CHECK(problems_of("m/r.yaml", "revision: r\nparent: [a]\n" +
                                    std::string("operations:\n  - sql: {up: SELECT 1}\n")) ==
        Strings{"m/r.yaml:2: unknown key 'parent' (did you mean 'parents'?)"});
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nstatement-timeout: 5s\n")) ==
        Strings{"r.yaml:2: unknown key 'statement-timeout' (did you mean 'statement_timeout'?)"});
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nauthor: me\n")) ==
        Strings{"r.yaml:2: unknown key 'author'"});
}

TEST_CASE("parse_yaml_revision: a misspelt operations key also reports the missing list") {
  CHECK(problems_of("r.yaml", "revision: r\noperation:\n  - sql: {up: SELECT 1}\n") ==
        Strings{"r.yaml:2: unknown key 'operation' (did you mean 'operations'?)",
                "r.yaml:1: no 'operations' list"});
}

TEST_CASE("parse_yaml_revision: malformed YAML is located by line") {
  auto problems =
      problems_of("r.yaml", "revision: r\nparents: [a, b\nmessage: x\noperations: []\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "r.yaml:3: invalid YAML: end of sequence flow not found");
  CHECK(problems_of("r.yaml", "revision: r\n  message: x\n") ==
        Strings{"r.yaml:2: invalid YAML: illegal map value"});
}

TEST_CASE("parse_yaml_revision: a document that is not a mapping") {
  CHECK(problems_of("r.yaml", "- revision: r\n") ==
        Strings{"r.yaml:1: a YAML revision must be a mapping with 'revision', 'parents' and "
                "'operations'"});
  CHECK(
      problems_of("r.yaml", "") ==
      Strings{
          "r.yaml: a YAML revision must be a mapping with 'revision', 'parents' and 'operations'"});
}

TEST_CASE("parse_yaml_revision: a file without a revision id") {
  CHECK(problems_of("r.yaml", yaml_with("message: no id\n")) ==
        Strings{"r.yaml:1: no revision id (add 'revision: <id>')"});
  CHECK(problems_of("r.yaml", yaml_with("revision: [a, b]\n")) ==
        Strings{"r.yaml:1: 'revision' must be a single id",
                "r.yaml:1: no revision id (add 'revision: <id>')"});
}

TEST_CASE("parse_yaml_revision: a file without operations") {
  CHECK(problems_of("r.yaml", "revision: r\n") == Strings{"r.yaml:1: no 'operations' list"});
}

TEST_CASE("parse_yaml_revision: operations must be a list") {
  CHECK(problems_of("r.yaml", "revision: r\noperations:\n  sql: {up: SELECT 1}\n") ==
        Strings{"r.yaml:2: 'operations' must be a list (each item starts with '- ')"});
}

TEST_CASE("parse_yaml_revision: an empty operations list makes a draft") {
  auto parsed = parse("r.yaml", "revision: r\nparents: [a]\noperations: []\n");
  CHECK(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->draft_line == 3);
  CHECK(migrate::core::draft_problem(*parsed.revision).located() ==
        "r.yaml:3: 'operations' is empty");
}

// As in the SQL format ("only a merge revision may run nothing"): a merge
// revision joins branches and usually runs nothing.
TEST_CASE("parse_yaml_revision: a merge revision may have an empty operations list") {
  auto parsed = parse("m.yaml", "revision: m\nparents: [b, c]\noperations: []\n");
  CHECK(parsed.problems == Strings{});
  REQUIRE(parsed.revision);
  CHECK(parsed.revision->is_merge());
  CHECK_FALSE(parsed.revision->is_draft());
  CHECK(parsed.revision->operations.empty());
}

TEST_CASE("parse_yaml_revision: transaction must be a boolean") {
  CHECK(problems_of("r.yaml", yaml_with("revision: r\ntransaction: sometimes\n")) ==
        Strings{"r.yaml:2: 'transaction' must be true or false"});
}

TEST_CASE("parse_yaml_revision: metadata of the wrong type is refused") {
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nmessage: [a]\n")) ==
        Strings{"r.yaml:2: 'message' must be text"});
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nparents: {a: b}\n")) ==
        Strings{"r.yaml:2: 'parents' must be a list of revision ids"});
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nparents:\n  - [a]\n")) ==
        Strings{"r.yaml:3: each parent must be a revision id"});
  CHECK(problems_of("r.yaml", yaml_with("revision: r\nstatement_timeout: {a: 1}\n")) ==
        Strings{"r.yaml:2: 'statement_timeout' must be a duration such as 30s"});
}

TEST_CASE("parse_yaml_revision: an unknown operation suggests the closest kind") {
  CHECK(problems_of("r.yaml", "revision: r\noperations:\n  - sq1:\n      up: SELECT 1\n") ==
        Strings{"r.yaml:3: unknown operation 'sq1' (did you mean 'sql'?)"});
}

TEST_CASE("parse_yaml_revision: an operation item must be a one-key mapping") {
  auto problems = problems_of("r.yaml", "revision: r\noperations:\n  - SELECT 1\n");
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0],
             Catch::StartsWith("r.yaml:3: each operation is a mapping with one key, e.g. '- "));
}

TEST_CASE("parse_yaml_revision: problems inside an sql operation carry their line") {
  CHECK(problems_of(
            "r.yaml",
            "revision: r\noperations:\n  - sql:\n      up: SELECT 1\n      dwon: SELECT 2\n") ==
        Strings{"r.yaml:5: unknown key 'dwon' in 'sql' (did you mean 'down'?)"});
  CHECK(problems_of("r.yaml", "revision: r\noperations:\n  - sql:\n      down: SELECT 2\n") ==
        Strings{"r.yaml:4: 'sql' needs 'up'"});
}

TEST_CASE("parse_yaml_revision: every problem of a file is reported together") {
  auto problems = problems_of("r.yaml",
                              "revison: r\n"          // 1
                              "transaction: maybe\n"  // 2
                              "operations:\n"         // 3
                              "  - sql: {up: SELECT 1}\n"
                              "  - add_colum: {}\n");  // 5
  REQUIRE(problems.size() == 4);
  CHECK(problems[0] == "r.yaml:1: unknown key 'revison' (did you mean 'revision'?)");
  CHECK(problems[1] == "r.yaml:2: 'transaction' must be true or false");
  CHECK_THAT(problems[2], Catch::StartsWith("r.yaml:5: unknown operation 'add_colum'"));
  CHECK(problems[3] == "r.yaml:1: no revision id (add 'revision: <id>')");
}

// YAML requires the keys of a mapping to be unique; taking the last value
// silently would apply something other than what a reader of the file sees.
TEST_CASE("parse_yaml_revision: a key that appears twice is refused with its line") {
  auto problems = problems_of("r.yaml", yaml_with("revision: a\nrevision: b\n"));
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("r.yaml:2: ") && Catch::Contains("revision"));
}

// The contract: nothing is applied when any file is invalid, so a bad timeout is
// a load-time problem, not an executor failure after earlier revisions ran.
TEST_CASE(
    "parse_yaml_revision: a statement_timeout that is not a duration is refused with its line") {
  auto problems = problems_of("r.yaml", yaml_with("revision: r\nstatement_timeout: soon\n"));
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("r.yaml:2: ") && Catch::Contains("'soon'"));
}

// yaml-cpp's "bad conversion" once escaped here, with no file named.
TEST_CASE("parse_yaml_revision: a key that is a list or a mapping is a problem on its line") {
  CHECK(problems_of("m/r.yaml", yaml_with("revision: r\n[a, b]: x\n")) ==
        Strings{"m/r.yaml:2: a key must be one of revision, parents, message, transaction, "
                "statement_timeout, "
                "operations, not a list or a mapping"});
  CHECK(problems_of("m/r.yaml", yaml_with("revision: r\n? {a: 1}\n: x\n")) ==
        Strings{"m/r.yaml:2: a key must be one of revision, parents, message, transaction, "
                "statement_timeout, "
                "operations, not a list or a mapping"});
}
