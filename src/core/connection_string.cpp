#include "core/connection_string.hpp"

#include <regex>

namespace migrate::core {

namespace {

const std::regex& uri_password() {
  static const std::regex pattern(R"(^([a-zA-Z]+://[^:/@?]*):([^@/?]*)@)");
  return pattern;
}

const std::regex& keyword_password() {
  static const std::regex pattern(R"((^|[\s&?])password\s*=\s*('([^'\\]|\\.)*'|[^\s&]*))", std::regex::icase);
  return pattern;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + with.size()))
    text.replace(pos, what.size(), with);
}

}  // namespace

std::string redact_connection_string(const std::string& connection) {
  std::string text = std::regex_replace(connection, uri_password(), "$1:***@");
  return std::regex_replace(text, keyword_password(), "$1password=***");
}

std::string redact_in_message(const std::string& message, const std::string& connection) {
  std::string text = message;
  replace_all(text, connection, redact_connection_string(connection));
  std::smatch match;
  if (std::regex_search(connection, match, uri_password()) && match[2].length() > 0)
    replace_all(text, match[2].str(), "***");
  if (std::regex_search(connection, match, keyword_password())) {
    std::string value = match[2].str();
    if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
    if (!value.empty()) replace_all(text, value, "***");
  }
  return text;
}

}  // namespace migrate::core
