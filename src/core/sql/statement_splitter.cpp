// Splits a script into statements the way psql does (psqlscan.l): a `;` ends a
// statement outside quotes, comments and parentheses, and outside the
// BEGIN ... END body of CREATE FUNCTION/PROCEDURE; `COPY ... FROM stdin` takes
// the lines after it up to `\.` as its data; any other backslash outside quotes
// is a psql meta-command, which is not SQL.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

SplitError::SplitError(int line, std::string message)
    : std::runtime_error(fmt::format("line {}: {}", line, message)),
      m_line(line),
      m_message(std::move(message)) {}

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool ident_start(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

std::string lower(std::string_view word) {
  std::string text(word);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class Splitter {
 public:
  Splitter(std::string_view text, int first_line) : m_text(text), m_first_line(first_line) {
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') m_newlines.push_back(i);
  }

  std::vector<SqlStatement> run() {
    while (m_pos < m_text.size()) step();
    if (m_start != npos) end_statement(std::string_view::npos);
    return std::move(m_statements);
  }

 private:
  static constexpr size_t npos = std::string_view::npos;

  int line_at(size_t pos) const {
    auto before = std::lower_bound(m_newlines.begin(), m_newlines.end(), pos) - m_newlines.begin();
    return m_first_line + static_cast<int>(before);
  }

  [[noreturn]] void fail(size_t pos, const std::string& message) const {
    throw SplitError(line_at(pos), message);
  }

  char at(size_t pos) const { return pos < m_text.size() ? m_text[pos] : '\0'; }

  void step() {
    const char c = m_text[m_pos];
    if (is_space(c)) {
      ++m_pos;
    } else if (c == '-' && at(m_pos + 1) == '-') {
      m_pos = std::min(m_text.find('\n', m_pos), m_text.size());
    } else if (c == '/' && at(m_pos + 1) == '*') {
      skip_block_comment();
    } else if (c == ';' && m_parens == 0 && m_begin_depth == 0) {
      end_statement(m_pos);
    } else {
      if (m_start == npos) m_start = m_pos;
      token();
      m_last_end = m_pos;
    }
  }

  void skip_block_comment() {
    const size_t open = m_pos;
    int depth = 0;  // PostgreSQL block comments nest
    while (m_pos < m_text.size()) {
      if (m_text.compare(m_pos, 2, "/*") == 0) {
        ++depth;
        m_pos += 2;
      } else if (m_text.compare(m_pos, 2, "*/") == 0) {
        m_pos += 2;
        if (--depth == 0) return;
      } else {
        ++m_pos;
      }
    }
    fail(open, "unterminated /* comment");
  }

  // One token that is not a comment, whitespace or a statement-ending `;`.
  void token() {
    const char c = m_text[m_pos];
    if (c == '\'') {
      quoted('\'', false, "unterminated quoted string");
    } else if (c == '"') {
      quoted('"', false, "unterminated quoted identifier");
    } else if (c == '$' && dollar_quote()) {
    } else if (ident_start(c)) {
      word();
    } else if (c == '\\') {
      meta_command();
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '$') {
      // A number or a parameter ($1) is one token, so its `$` opens no quote.
      ++m_pos;
      while (m_pos < m_text.size() && (ident_char(m_text[m_pos]) || m_text[m_pos] == '.')) ++m_pos;
    } else {
      if (c == '(') ++m_parens;
      if (c == ')' && m_parens > 0) --m_parens;
      ++m_pos;
    }
  }

  // '...' and "...": the quote doubled stands for itself; in E'...' a
  // backslash escapes the next character.
  void quoted(char quote, bool backslash_escapes, const char* unterminated) {
    const size_t open = m_pos++;
    while (m_pos < m_text.size()) {
      char c = m_text[m_pos];
      if (backslash_escapes && c == '\\') {
        m_pos += 2;
      } else if (c == quote) {
        if (at(m_pos + 1) != quote) {
          ++m_pos;
          return;
        }
        m_pos += 2;
      } else {
        ++m_pos;
      }
    }
    fail(open, unterminated);
  }

  // $tag$ ... $tag$; false when the `$` does not open a dollar quote.
  bool dollar_quote() {
    size_t end = m_pos + 1;
    if (end < m_text.size() && ident_start(m_text[end]))
      while (end < m_text.size() && ident_char(m_text[end]) && m_text[end] != '$') ++end;
    if (at(end) != '$') return false;
    std::string_view tag = m_text.substr(m_pos, end + 1 - m_pos);
    size_t close = m_text.find(tag, end + 1);
    if (close == npos) fail(m_pos, "unterminated dollar-quoted string");
    m_pos = close + tag.size();
    return true;
  }

  void word() {
    const size_t begin = m_pos;
    while (m_pos < m_text.size() && ident_char(m_text[m_pos])) ++m_pos;
    std::string text = lower(m_text.substr(begin, m_pos - begin));
    if (at(m_pos) == '\'') {
      quoted('\'', text == "e", "unterminated quoted string");
      return;
    }
    if (m_words.empty()) m_first_word = text;
    track_begin_end(text);
  }

  // psql's heuristic: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN
  // (ATOMIC) ... END holds semicolons that do not end the statement.
  void track_begin_end(const std::string& text) {
    bool keyword = text == "create" || text == "function" || text == "procedure" || text == "or" ||
                   text == "replace";
    if (m_words.size() < 4) m_words += keyword ? text[0] : ' ';
    bool routine = m_words.size() >= 2 && m_words[0] == 'c' &&
                   (m_words[1] == 'f' || m_words[1] == 'p' ||
                    (m_words.compare(1, 2, "or") == 0 && m_words.size() >= 4 &&
                     (m_words[3] == 'f' || m_words[3] == 'p')));
    if (!routine || m_parens != 0) return;
    if (text == "begin")
      ++m_begin_depth;
    else if (text == "case" && m_begin_depth >= 1)
      ++m_begin_depth;
    else if (text == "end" && m_begin_depth > 0)
      --m_begin_depth;
  }

  [[noreturn]] void meta_command() {
    size_t end = m_pos + 1;
    while (end < m_text.size() && !is_space(m_text[end]) && m_text[end] != '\\') ++end;
    std::string command(m_text.substr(m_pos, std::max<size_t>(end - m_pos, 1)));
    fail(m_pos, fmt::format("'{}' is a psql meta-command, not SQL: migrate sends SQL to the server "
                            "without psql; remove it (put the SQL it stands for in the file)",
                            command));
  }

  // Ends the statement at `semicolon` (npos: end of the script).
  void end_statement(size_t semicolon) {
    m_pos = semicolon == npos ? m_text.size() : semicolon + 1;
    size_t start = m_start;
    std::string first_word = m_first_word;
    m_start = npos;
    m_parens = m_begin_depth = 0;
    m_words.clear();
    m_first_word.clear();
    if (start == npos) return;
    // Up to the last token: a trailing `-- comment` never swallows what a
    // caller appends (a `;`, the next statement).
    SqlStatement statement{
        std::string(m_text.substr(start, m_last_end - start)), line_at(start), {}};
    if (first_word == "copy") copy_data(statement, start, semicolon);
    m_statements.push_back(std::move(statement));
  }

  // COPY ... FROM stdin reads the lines after its own, up to a line `\.`.
  void copy_data(SqlStatement& statement, size_t where, size_t semicolon) {
    ParsedSql parsed = parse_sql(statement.sql);
    bool from_stdin = false;
    if (parsed.error.empty()) {
      if (parsed.statements.size() != 1 || parse_tree::type_of(parsed.statements[0]) != "CopyStmt")
        return;
      const auto& copy = parse_tree::body_of(parsed.statements[0]);
      if (!parse_tree::text(copy, "filename").empty()) return;
      from_stdin = parse_tree::flag(copy, "is_from");
    } else {
      // Newer syntax than the parser's: the words tell.
      static const std::regex k_from_stdin("\\bfrom\\s+stdin\\b", std::regex::icase);
      if (!std::regex_search(statement.sql, k_from_stdin)) return;
      from_stdin = true;
    }
    if (!from_stdin)
      fail(where,
           "COPY ... TO STDOUT writes to psql's output, which migrate does not have; "
           "write to a file on the server (COPY ... TO 'file') or run it with psql");
    if (semicolon == npos)
      fail(where, "COPY ... FROM stdin needs a `;` and then its data, ended by a line `\\.`");
    size_t line_end = std::min(m_text.find('\n', semicolon), m_text.size());
    for (size_t i = semicolon + 1; i < line_end; ++i)
      if (!is_space(m_text[i]))
        fail(semicolon,
             "text after COPY ... FROM stdin on its line: its data starts on the next "
             "line; put that text after the `\\.` line");
    size_t data = std::min(line_end + 1, m_text.size());
    for (size_t line = data; line < m_text.size();) {
      size_t end = std::min(m_text.find('\n', line), m_text.size());
      std::string_view content = m_text.substr(line, end - line);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      if (content == "\\.") {
        // With the end line, as psql sends it: the server checks that its
        // line end matches the data's (CRLF files).
        m_pos = std::min(end + 1, m_text.size());
        statement.copy_data = std::string(m_text.substr(data, m_pos - data));
        return;
      }
      line = end + 1;
    }
    fail(where,
         "COPY ... FROM stdin: its data has no end line `\\.`; add a line holding only "
         "`\\.` after the last row");
  }

  std::string_view m_text;
  int m_first_line;
  std::vector<size_t> m_newlines;
  size_t m_pos = 0;
  size_t m_start = npos;  // first character of the statement being read
  size_t m_last_end = 0;  // end of its last token so far
  int m_parens = 0;
  int m_begin_depth = 0;
  std::string m_words;  // psql's record of the statement's first words
  std::string m_first_word;
  std::vector<SqlStatement> m_statements;
};

}  // namespace

std::vector<SqlStatement> split_statements(std::string_view script, int first_line) {
  return Splitter(script, first_line).run();
}

}  // namespace migrate::core
