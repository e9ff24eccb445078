// The text of new files: names, and templates that load as what they say.
#include "core/revisions/revision_template.hpp"

#include "support/test_helpers.hpp"

using migrate::core::revision_file_name;
using migrate::test::parse;
using Strings = std::vector<std::string>;

TEST_CASE("revision_file_name: the id, a slug of the message and the extension") {
  CHECK(revision_file_name("8fb4c8c111aa", "add first and last names",
                           migrate::core::RevisionFormat::sql) ==
        "8fb4c8c111aa_add_first_and_last_names.sql");
  CHECK(revision_file_name("8fb4c8c111aa", "add first and last names",
                           migrate::core::RevisionFormat::yaml) ==
        "8fb4c8c111aa_add_first_and_last_names.yaml");
}

TEST_CASE(
    "revision_file_name: the slug is lowercase, with runs of other characters as one underscore") {
  CHECK(revision_file_name("a1", "Add users.Email -- NOT NULL!",
                           migrate::core::RevisionFormat::sql) ==
        "a1_add_users_email_not_null.sql");
  CHECK(revision_file_name("a1", "  (hotfix) v1.0.1  ", migrate::core::RevisionFormat::sql) ==
        "a1_hotfix_v1_0_1.sql");
  CHECK(revision_file_name("a1", "café au lait", migrate::core::RevisionFormat::sql) ==
        "a1_caf_au_lait.sql");
}

TEST_CASE("revision_file_name: a message without letters or digits gives no slug") {
  CHECK(revision_file_name("a1", "", migrate::core::RevisionFormat::sql) == "a1.sql");
  CHECK(revision_file_name("a1", "!!! ---", migrate::core::RevisionFormat::yaml) == "a1.yaml");
}

TEST_CASE("revision_file_name: the slug is at most 40 characters, without a trailing underscore") {
  std::string name =
      revision_file_name("a1", "create the table that holds every order line of every customer",
                         migrate::core::RevisionFormat::sql);
  CHECK(name == "a1_create_the_table_that_holds_every_order.sql");
  CHECK(revision_file_name("a1", std::string(100, 'x'), migrate::core::RevisionFormat::sql) ==
        "a1_" + std::string(40, 'x') + ".sql");
  CHECK(revision_file_name("a1", std::string(39, 'x') + " y", migrate::core::RevisionFormat::sql) ==
        "a1_" + std::string(39, 'x') + ".sql");
}

TEST_CASE("sql_revision_template: headers load back once the up section has SQL") {
  std::string text =
      migrate::core::sql_revision_template("8fb4c8c111aa", {"a5d4", "77aa"}, "add names");
  CHECK_THAT(text,
             Catch::StartsWith("-- migrate:revision 8fb4c8c111aa\n-- migrate:parents a5d4 77aa\n"
                               "-- migrate:message add names\n-- migrate:transaction on\n"));
  const std::string marker = "-- migrate:up\n";
  REQUIRE(text.find(marker) != std::string::npos);
  text.insert(text.find(marker) + marker.size(), "SELECT 1;\n");
  auto parsed = parse("8fb4c8c111aa_add_names.sql", text);
  REQUIRE(parsed.problems == Strings{});
  CHECK(parsed.revision->id == "8fb4c8c111aa");
  CHECK(parsed.revision->parents == Strings{"a5d4", "77aa"});
  CHECK(parsed.revision->message == "add names");
  CHECK(parsed.revision->transactional);
  CHECK(parsed.revision->contract.present);
  CHECK(parsed.revision->down.present);
  CHECK_FALSE(parsed.revision->has_contract());
}

TEST_CASE("sql_revision_template: a root revision has no parents") {
  std::string text = migrate::core::sql_revision_template("a1", {}, "create users");
  text.insert(text.find("-- migrate:up\n") + 14, "CREATE TABLE users (id int);\n");
  auto parsed = parse("a1.sql", text);
  REQUIRE(parsed.problems == Strings{});
  CHECK(parsed.revision->is_root());
}

TEST_CASE("yaml_revision_template: loads as a valid revision") {
  auto parsed =
      parse("a1.yaml", migrate::core::yaml_revision_template("a1", {"p1", "p2"}, "add email"));
  REQUIRE(parsed.problems == Strings{});
  CHECK(parsed.revision->id == "a1");
  CHECK(parsed.revision->parents == Strings{"p1", "p2"});
  CHECK(parsed.revision->message == "add email");
  CHECK(parsed.revision->operations.size() == 1);
  auto root = parse("a1.yaml", migrate::core::yaml_revision_template("a1", {}, "create users"));
  REQUIRE(root.problems == Strings{});
  CHECK(root.revision->is_root());
}

TEST_CASE("yaml_revision_template: messages with YAML punctuation load back unchanged") {
  // `migrate new -m` accepts any message; the file it writes must load.
  for (std::string message : {"fix: users.name", "ticket #42", "it's done", "say \"hi\"",
                              "[wip] add {x}", "*important* change", "- leading dash",
                              "@team review", "100% done", "back\\slash", "yes", "null", "42"}) {
    INFO("message: " << message);
    auto parsed = parse("a1.yaml", migrate::core::yaml_revision_template("a1", {}, message));
    CHECK(parsed.problems == Strings{});
    if (parsed.revision) CHECK(parsed.revision->message == message);
  }
}

TEST_CASE("merge_revision_template: loads as a merge revision that runs nothing") {
  std::string text = migrate::core::merge_revision_template(
      "m1", {"b2", "c1"}, "merge heads b2 and c1", {"b2 and c1 both alter users"});
  CHECK_THAT(text, Catch::Contains("-- b2 and c1 both alter users\n"));
  auto parsed = parse("m1.sql", text);
  REQUIRE(parsed.problems == Strings{});
  CHECK(parsed.revision->is_merge());
  CHECK(parsed.revision->parents == Strings{"b2", "c1"});
  CHECK(parsed.revision->message == "merge heads b2 and c1");
  CHECK(parsed.revision->text(parsed.revision->up).empty());
  auto graph = migrate::core::load_revisions({migrate::test::sql_file("a"),
                                              migrate::test::sql_file("b2", "a"),
                                              migrate::test::sql_file("c1", "a"),
                                              {"m1.sql", text}});
  CHECK(graph.heads() == Strings{"m1"});
}

TEST_CASE("config_template: names the directory and the state schema") {
  std::string text = migrate::core::config_template("db/migrations");
  CHECK_THAT(text,
             Catch::Contains("\ndir: db/migrations\n") && Catch::Contains("\nschema: migrate\n"));
  CHECK_THAT(text, Catch::Contains("# database_url:"));
}
