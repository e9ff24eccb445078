#include "core/sql/schema_dump.hpp"

namespace migrate::core {

namespace {

bool starts_with(const std::string& line, const char* prefix) { return line.rfind(prefix, 0) == 0; }

bool varies(const std::string& line) {
  return starts_with(line, "-- Dumped from database version") ||
         starts_with(line, "-- Dumped by pg_dump version") || starts_with(line, "SET ") ||
         starts_with(line, "SELECT pg_catalog.set_config(") || starts_with(line, "\\restrict ") ||
         starts_with(line, "\\unrestrict ");
}

// Where a line of SQL leaves the lexer: inside a '...' string or a $tag$
// body, or at the top level, where pg_dump's own settings stand.
struct QuoteState {
  bool in_string = false;
  bool in_dollar = false;
  std::string tag;  // "$$", "$_$", "$body$"
  bool top_level() const { return !in_string && !in_dollar; }
};

bool tag_char(char c, bool first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c < 0 ||
         (!first && c >= '0' && c <= '9');
}

// The $tag$ starting at `line[i]`, or "" when there is none.
std::string dollar_tag_at(const std::string& line, size_t i) {
  size_t j = i + 1;
  while (j < line.size() && tag_char(line[j], j == i + 1)) ++j;
  return j < line.size() && line[j] == '$' ? line.substr(i, j - i + 1) : std::string();
}

void scan(const std::string& line, QuoteState& state) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (state.in_dollar) {
      if (line.compare(i, state.tag.size(), state.tag) == 0) {
        i += state.tag.size() - 1;
        state.in_dollar = false;
      }
    } else if (state.in_string) {
      if (line[i] == '\'') state.in_string = false;  // '' reopens at once
    } else if (line[i] == '\'') {
      state.in_string = true;
    } else if (line.compare(i, 2, "--") == 0) {
      return;
    } else if (line[i] == '$' && (i == 0 || !tag_char(line[i - 1], false))) {
      std::string tag = dollar_tag_at(line, i);
      if (!tag.empty()) {
        state.tag = tag;
        state.in_dollar = true;
        i += tag.size() - 1;
      }
    }
  }
}

}  // namespace

std::string clean_schema_dump(const std::string& dump) {
  std::string out;
  bool blank_before = true;  // no blank lines at the start
  size_t pos = 0;
  QuoteState quotes;
  while (pos < dump.size()) {
    size_t end = dump.find('\n', pos);
    if (end == std::string::npos) end = dump.size();
    std::string line = dump.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool top_level = quotes.top_level();
    scan(line, quotes);
    if (top_level && varies(line)) continue;
    bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank && blank_before) continue;
    out += blank ? "" : line;
    out += '\n';
    blank_before = blank;
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

}  // namespace migrate::core
