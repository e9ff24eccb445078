// SQL text helpers: splitting a script into statements as psql does, checking
// syntax with PostgreSQL's own parser (libpg_query), quoting identifiers and literals.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::core {

struct SqlStatement {
  // From its first token to its last: no leading or trailing comment, no
  // semicolon, so appending ";" or another statement is always safe.
  std::string sql;
  int line = 0;  // line of its first character, counted in the whole file
  // COPY ... FROM stdin: the data lines after it, up to and including the
  // closing `\.` line, byte for byte (what psql sends to the server).
  std::optional<std::string> copy_data;
};

// A script that cannot be split into statements: what is wrong, at which line
// of its file. what() reads "line N: message".
class SplitError : public std::runtime_error {
 public:
  SplitError(int line, std::string message);
  int line() const { return m_line; }
  const std::string& message() const { return m_message; }

 private:
  int m_line;
  std::string m_message;
};

// Splits `script` into statements as psql does (statement_splitter.cpp):
// `;` ends a statement outside quotes, comments, parentheses and the
// BEGIN ... END body of CREATE FUNCTION/PROCEDURE; COPY ... FROM stdin takes
// its inline data up to `\.`. `first_line` is the file line of the script's
// first line. Comment-only and empty pieces are dropped. Throws SplitError
// for an unterminated quote or comment,
// a psql meta-command (`\i`, `\set`, ...) or COPY data without its end.
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
