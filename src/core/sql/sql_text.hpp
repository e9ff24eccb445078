// SQL text helpers: splitting a script into statements with PostgreSQL's own
// scanner (libpg_query), and quoting identifiers and literals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migrate::core {

struct SqlStatement {
  std::string sql;  // the statement without its trailing semicolon
  int line = 0;     // line of its first character, counted in the whole file
};

// Splits `script` into statements. `first_line` is the file line of the
// script's first line. Comment-only and empty pieces are dropped. Throws
// std::runtime_error with the scanner's message when the script cannot be split.
std::vector<SqlStatement> split_statements(std::string_view script, int first_line = 1);

// Checks that `sql` parses as PostgreSQL SQL. Returns "" when it does, else the
// parser's message with the line (relative to `first_line`) in front.
std::string syntax_error(std::string_view sql, int first_line = 1);

// "users" -> "\"users\"" (always quoted; embedded quotes doubled).
std::string quote_ident(std::string_view name);
// "public.users" -> "\"public\".\"users\""; a name without a dot stays unqualified.
std::string quote_qualified(std::string_view dotted_name);
// Standard-conforming string literal: O'Brien -> 'O''Brien'.
std::string quote_literal(std::string_view value);

// True when the text holds only whitespace and SQL comments.
bool is_blank_sql(std::string_view sql);

}  // namespace migrate::core
