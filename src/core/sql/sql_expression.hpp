// The SQL fragments YAML operations carry (expressions and type names), checked
// and inspected with PostgreSQL's own parser (libpg_query).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migrate::core {

// "" when `expression` is one SQL expression (as in `SELECT (<expression>)`),
// else the parser's message, or "not a single expression" when the text
// breaks out of its parentheses (`1), (2`, `x) FROM t WHERE (true`).
std::string expression_error(std::string_view expression);

// "" when `type` is one SQL type name (as in `CAST(NULL AS <type>)`), else why not.
std::string type_error(std::string_view type);

// Names of the columns `expression` reads (the last part of qualified names),
// in order, without repeats; empty when it does not parse.
std::vector<std::string> referenced_columns(std::string_view expression);

// True when `expression` calls no function and reads no column, subquery,
// parameter or special value such as CURRENT_TIMESTAMP: a constant that
// ADD COLUMN ... DEFAULT stores in the catalog without rewriting the table.
bool is_constant_expression(std::string_view expression);

}  // namespace migrate::core
