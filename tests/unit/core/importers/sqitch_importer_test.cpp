// Sqitch plans: dependencies become parents; reworked changes, conflicts
// and psql meta-commands are refused.
#include "core/importers/imported_history.hpp"
#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

namespace {

const std::string k_head = "%syntax-version=1.0.0\n%project=shop\n\n";

std::vector<SourceFile> project(const std::string& changes, std::vector<SourceFile> scripts) {
  scripts.push_back({"sqitch.plan", k_head + changes});
  return scripts;
}

}  // namespace

TEST_CASE("import_sqitch: dependencies become parents, the note the message") {
  auto history = import_sqitch(
      project("users 2024-01-01T00:00:00Z Ann <a@x> # Creates users.\n@v1 2024-01-01T00:00:01Z Ann "
              "<a@x> # Tag\n"
              "audit 2024-01-02T00:00:00Z Ann <a@x>\nposts [users audit] 2024-01-03T00:00:00Z Ann "
              "<a@x> # Posts\n",
              {{"deploy/users.sql", "BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n"},
               {"revert/users.sql", "DROP TABLE users;\n"},
               {"deploy/audit.sql", "CREATE TABLE audit (id int);\n"},
               {"deploy/posts.sql", "CREATE TABLE posts (id int);\n"}}));
  REQUIRE(history.revisions.size() == 3);
  CHECK(history.revisions[0].id == "users");
  CHECK(history.revisions[0].message == "Creates users.");
  CHECK(history.revisions[0].transaction == Transaction::off);  // its own BEGIN/COMMIT
  CHECK(history.revisions[1].parents.empty());
  CHECK(history.revisions[2].parents == Strings{"users", "audit"});
  CHECK(!history.revisions[1].down);
}

TEST_CASE("import_sqitch: refuses reworks, conflicts, missing scripts and psql commands") {
  CHECK(import_error(
            import_sqitch,
            project("a 2024-01-01T00:00:00Z A <a@x>\na [a@v1] 2024-01-02T00:00:00Z A <a@x>\n",
                    {{"deploy/a.sql", "SELECT 1;"}})) ==
        "2 problems in the migration files:\n"
        "  sqitch.plan:5: change 'a' has dependency 'a@v1': conflicts, tags and other projects "
        "have no equivalent in "
        "migrate's parents\n"
        "  sqitch.plan:5: change 'a' is reworked (listed twice): a reworked change cannot be one "
        "revision");
  CHECK(import_error(import_sqitch, project("b 2024-01-01T00:00:00Z A <a@x>\n", {})) ==
        "sqitch.plan:4: change 'b' has no deploy/b.sql");
  CHECK(import_error(import_sqitch,
                     project("c 2024-01-01T00:00:00Z A <a@x>\n",
                             {{"deploy/c.sql", "\\set ON_ERROR_STOP 1\nSELECT 1;\n"}})) ==
        "deploy/c.sql:1: psql meta-command '\\set ON_ERROR_STOP 1' runs only under psql; write it "
        "as SQL");
  CHECK(import_error(import_sqitch, {}) == "sqitch.plan: no sqitch.plan in the source directory");
}
