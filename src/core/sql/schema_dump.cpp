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

}  // namespace

std::string clean_schema_dump(const std::string& dump) {
  std::string out;
  bool blank_before = true;  // no blank lines at the start
  size_t pos = 0;
  while (pos < dump.size()) {
    size_t end = dump.find('\n', pos);
    if (end == std::string::npos) end = dump.size();
    std::string line = dump.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (varies(line)) continue;
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
