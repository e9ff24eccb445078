// Alembic: the graph from the version files, the SQL cut out of its offline
// output without Alembic's bookkeeping.
#include "core/importers/alembic_importer.hpp"

#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

namespace {

SourceFile version(const std::string& id, const std::string& down,
                   const std::string& body = "op.execute('x')") {
  return {"versions/" + id + "_x.py", "\"\"\"Message " + id + "\"\"\"\nrevision: str = '" + id +
                                          "'\ndown_revision: Union[str, None] = " + down +
                                          "\n\ndef upgrade():\n    " + body + "\n"};
}

const char k_upgrade[] =
    "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL\n);\n\n"
    "-- Running upgrade  -> a1\n\nCREATE TABLE t (id int);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING "
    "alembic_version.version_num;\n\n"
    "-- Running upgrade a1 -> b2\n\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\nSELECT "
    "1;\n$$;\n\n"
    "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = "
    "'a1';\n\nCOMMIT;\n";
const char k_downgrade[] =
    "BEGIN;\n\n-- Running downgrade b2 -> a1\n\nDROP FUNCTION f();\n\n"
    "UPDATE alembic_version SET version_num='a1' WHERE alembic_version.version_num = 'b2';\n\n"
    "-- Running downgrade a1 -> \n\nDROP TABLE t;\n\nDELETE FROM alembic_version WHERE "
    "alembic_version.version_num = 'a1';\n\n"
    "DROP TABLE alembic_version;\n\nCOMMIT;\n";

}  // namespace

TEST_CASE("alembic_graph: revision, down_revision (typed or not) and the docstring") {
  auto history = alembic_graph({version("b2", "'a1'"),
                                version("a1", "None"),
                                version("m3", "('a1', 'b2')"),
                                {"env.py", "revision = 'not one'"}});
  REQUIRE(history.revisions.size() == 3);
  CHECK(history.revisions[0].message == "Message b2");
  CHECK(history.revisions[0].parents == Strings{"a1"});
  CHECK(history.revisions[1].parents.empty());
  CHECK(history.revisions[2].parents == Strings{"a1", "b2"});
}

TEST_CASE("alembic_graph: refuses a migration that reads from the database") {
  CHECK(import_error(alembic_graph,
                     {version("a1", "None", "rows = op.get_bind().execute('SELECT 1')")}) ==
        "versions/a1_x.py:6: the migration reads from the database (get_bind(): Alembic's offline "
        "mode cannot show "
        "what it runs; write its SQL by hand");
}

TEST_CASE("fill_alembic_sql: each revision's statements, without the version table") {
  auto history = alembic_graph({version("b2", "'a1'"), version("a1", "None")});
  fill_alembic_sql(history, k_upgrade, k_downgrade);
  REQUIRE(history.revisions.size() == 2);
  CHECK(history.revisions[0].id == "a1");
  CHECK(history.revisions[0].up == "CREATE TABLE t (id int);\n");
  CHECK(*history.revisions[0].down == "DROP TABLE t;\n");
  CHECK(history.revisions[1].up ==
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\nSELECT 1;\n$$;\n");
  CHECK(*history.revisions[1].down == "DROP FUNCTION f();\n");
}
