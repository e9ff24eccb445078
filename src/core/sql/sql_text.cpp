#include "core/sql/sql_text.hpp"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <stdexcept>

namespace migrate::core {

namespace {

int count_lines(std::string_view text, size_t end) {
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(end), '\n'));
}

// Skips whitespace and comments from `pos`; returns the first other position.
size_t skip_blank(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else if (c == '-' && pos + 1 < text.size() && text[pos + 1] == '-') {
      while (pos < text.size() && text[pos] != '\n') ++pos;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      do {
        if (text.compare(pos, 2, "/*") == 0) {
          ++depth;
          pos += 2;
        } else if (text.compare(pos, 2, "*/") == 0) {
          --depth;
          pos += 2;
        } else {
          ++pos;
        }
      } while (depth > 0 && pos < text.size());
    } else {
      break;
    }
  }
  return pos;
}

}  // namespace

bool is_blank_sql(std::string_view sql) { return skip_blank(sql, 0) >= sql.size(); }

std::string syntax_error(std::string_view sql, int first_line) {
  std::string input(sql);
  PgQueryParseResult result = pg_query_parse(input.c_str());
  std::string message;
  if (result.error) {
    size_t cursor =
        result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0;
    message =
        fmt::format("line {}: {}", first_line + count_lines(input, std::min(cursor, input.size())),
                    result.error->message);
  }
  pg_query_free_parse_result(result);
  return message;
}

std::string quote_ident(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string quote_qualified(std::string_view dotted_name) {
  size_t dot = dotted_name.find('.');
  if (dot == std::string_view::npos) return quote_ident(dotted_name);
  return quote_ident(dotted_name.substr(0, dot)) + "." + quote_ident(dotted_name.substr(dot + 1));
}

std::string quote_literal(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

}  // namespace migrate::core
