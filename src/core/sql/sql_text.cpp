#include "core/sql/sql_text.hpp"

#include <pg_query.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

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

std::vector<SqlStatement> split_statements(std::string_view script, int first_line) {
  std::string input(script);
  PgQuerySplitResult result = pg_query_split_with_scanner(input.c_str());
  if (result.error) {
    std::string message = fmt::format("line {}: {}",
                                      first_line + count_lines(input, std::min<size_t>(
                                          result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0,
                                          input.size())),
                                      result.error->message);
    pg_query_free_split_result(result);
    throw std::runtime_error(message);
  }
  std::vector<SqlStatement> statements;
  statements.reserve(static_cast<size_t>(result.n_stmts));
  // The scanner leaves out text it cannot take for a statement (a misspelt
  // first keyword, say). Such text between or after the pieces is an error,
  // never something to skip silently.
  size_t covered = 0;
  // Lines are counted on from the previous statement: counting from the top
  // for each one was quadratic (minutes for a 5 MB section).
  size_t counted_to = 0;
  int lines_before = 0;
  auto line_at = [&](size_t pos) {
    lines_before += count_lines(std::string_view(input).substr(counted_to), pos - counted_to);
    counted_to = pos;
    return first_line + lines_before;
  };
  auto check_gap = [&](size_t from, size_t to) {
    size_t pos = from;
    while (true) {
      pos = skip_blank(input, pos);
      if (pos < to && input[pos] == ';') {
        ++pos;
        continue;
      }
      break;
    }
    if (pos >= to) return;
    std::string text = input.substr(pos, std::min<size_t>(to - pos, 40));
    text = text.substr(0, text.find('\n'));
    pg_query_free_split_result(result);
    throw std::runtime_error(
        fmt::format("line {}: not a statement PostgreSQL recognises: '{}'", first_line + count_lines(input, pos), text));
  };
  for (int i = 0; i < result.n_stmts; ++i) {
    const PgQuerySplitStmt* piece = result.stmts[i];
    size_t begin = static_cast<size_t>(piece->stmt_location);
    size_t end = begin + static_cast<size_t>(piece->stmt_len);
    check_gap(covered, begin);
    covered = end;
    size_t start = skip_blank(input, begin);
    if (start >= end) continue;
    std::string_view text(input.data() + start, end - start);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                             text.back() == '\r' || text.back() == ';'))
      text.remove_suffix(1);
    if (is_blank_sql(text)) continue;
    statements.push_back({std::string(text), line_at(start)});
  }
  check_gap(covered, input.size());
  pg_query_free_split_result(result);
  return statements;
}

std::string syntax_error(std::string_view sql, int first_line) {
  std::string input(sql);
  PgQueryParseResult result = pg_query_parse(input.c_str());
  std::string message;
  if (result.error) {
    size_t cursor = result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0;
    message = fmt::format("line {}: {}", first_line + count_lines(input, std::min(cursor, input.size())),
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
