// PostgreSQL's parser through libpg_query: the syntax check that builds no tree.
#include "core/sql/parse_tree.hpp"

#include "support/test_helpers.hpp"

using migrate::core::check_sql_syntax;
using migrate::core::parse_sql;

TEST_CASE("check_sql_syntax: valid SQL has no error and no statements") {
  auto checked = check_sql_syntax("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n");
  CHECK(checked.error.empty());
  CHECK(checked.statements.empty());
}

TEST_CASE("check_sql_syntax: the same error and offset as parse_sql") {
  const std::string sql = "SELECT 1;\nSELECT (2;\n";
  auto checked = check_sql_syntax(sql);
  auto parsed = parse_sql(sql);
  CHECK(checked.error == "syntax error at or near \";\"");
  CHECK(checked.error == parsed.error);
  CHECK(checked.error_offset == parsed.error_offset);
  CHECK(checked.error_offset == sql.find(";\n", 10));
}
