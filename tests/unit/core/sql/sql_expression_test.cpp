// SQL fragments of YAML operations, checked with PostgreSQL's parser.
#include "core/sql/sql_expression.hpp"

#include <catch2/catch.hpp>

using namespace migrate::core;
using Strings = std::vector<std::string>;

TEST_CASE("expression_error: one expression passes, anything else says why") {
  CHECK(expression_error("split_part(name, ' ', 1)") == "");
  CHECK(expression_error("CASE WHEN a THEN 1 ELSE 2 END") == "");
  CHECK(expression_error("split_part(name, ' ', 1") == "syntax error at end of input");
  CHECK(expression_error("  ") == "it is empty");
  CHECK(expression_error("a > 0), (b") == "not a single expression");
  CHECK(expression_error("1) FROM t WHERE (true") == "not a single expression");
  CHECK(expression_error("1; DROP TABLE t") == "syntax error at or near \";\"");
  // A trailing line comment would swallow what follows the expression.
  CHECK(expression_error("name -- the name") == "syntax error at end of input");
}

TEST_CASE("type_error: one type name passes") {
  CHECK(type_error("varchar(10)[]") == "");
  CHECK(type_error("numeric(10, 2)") == "");
  CHECK(type_error("text text") == "syntax error at or near \"text\"");
  CHECK(type_error("int) , (1") == "not a single expression");
  CHECK(type_error("") == "it is empty");
}

TEST_CASE("referenced_columns: the columns an expression reads, once each") {
  CHECK(referenced_columns("first || ' ' || u.last || \"we\"\"ird\" || first") ==
        Strings{"first", "last", "we\"ird"});
  CHECK(referenced_columns("'constant'").empty());
  CHECK(referenced_columns("not (valid").empty());
}

TEST_CASE("is_constant_expression: constants only, so the default needs no rewrite") {
  CHECK(is_constant_expression("'active'"));
  CHECK(is_constant_expression("-1"));
  CHECK(is_constant_expression("'{}'::jsonb"));
  CHECK(is_constant_expression("ARRAY[1, 2]"));
  CHECK_FALSE(is_constant_expression("now()"));
  CHECK_FALSE(is_constant_expression("CURRENT_TIMESTAMP"));
  CHECK_FALSE(is_constant_expression("other_column"));
  CHECK_FALSE(is_constant_expression("(SELECT 1)"));
}
