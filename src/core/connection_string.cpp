#include "core/connection_string.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <regex>
#include <vector>

#include "core/error.hpp"

namespace migrate::core {

namespace {

// The URI prefixes libpq knows; anything else is a keyword string to it.
bool is_uri(const std::string& connection) {
  return connection.rfind("postgresql://", 0) == 0 || connection.rfind("postgres://", 0) == 0;
}

// Where a URI's user name and password are: between "://" and the last '@',
// the way a person writing the URL means it (libpq stops at the first '@' or
// '/', which is what spills pieces of a password with unencoded characters).
// None when there is no '@', or when a query parameter comes before it (the
// '@' belongs to a value).
struct UserInfo {
  size_t begin = 0, colon = std::string::npos, end = 0;
  bool has_password() const { return colon != std::string::npos; }
};

std::optional<UserInfo> find_user_info(const std::string& uri) {
  size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  UserInfo info;
  info.begin = scheme_end + 3;
  size_t at = uri.rfind('@');
  if (at == std::string::npos || at < info.begin) return std::nullopt;
  std::string text = uri.substr(info.begin, at - info.begin);
  if (text.find('=') != std::string::npos) return std::nullopt;
  info.end = at;
  size_t colon = text.find(':');
  if (colon != std::string::npos) info.colon = info.begin + colon;
  return info;
}

std::string percent_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool bad_percent(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '%' &&
        (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
         !std::isxdigit(static_cast<unsigned char>(text[i + 2]))))
      return true;
  return false;
}

const std::regex& sqlalchemy_scheme() {
  static const std::regex pattern(R"(^(postgres(ql)?)\+([A-Za-z0-9_.-]*)://)");
  return pattern;
}

// A URI's password as libpq itself reads it (up to the first '@', '/' or '?').
const std::regex& libpq_uri_password() {
  static const std::regex pattern(R"(^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?]*:([^@/?]*)@)");
  return pattern;
}

// scheme://user:secret@ anywhere in a text; the secret runs to the last '@'
// of the word, as in find_user_info.
const std::regex& uri_password_in_text() {
  static const std::regex pattern(R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@?"']*):[^\s"']*@)");
  return pattern;
}

const std::regex& keyword_password() {
  static const std::regex pattern(R"((^|[\s&?"])password\s*=\s*('([^'\\]|\\.)*'|[^\s&"]*))",
                                  std::regex::icase);
  return pattern;
}

const std::regex& keyword_connect_timeout() {
  static const std::regex pattern(R"((^|[\s&?])connect_timeout\s*=)");
  return pattern;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + with.size()))
    text.replace(pos, what.size(), with);
}

// The password as written in `connection`, in every form a message may quote it.
std::vector<std::string> passwords_in(const std::string& connection) {
  std::vector<std::string> found;
  if (is_uri(connection)) {
    if (auto info = find_user_info(connection); info && info->has_password()) {
      std::string raw = connection.substr(info->colon + 1, info->end - info->colon - 1);
      found.push_back(raw);
      found.push_back(percent_decoded(raw));
    }
    std::smatch match;
    if (std::regex_search(connection, match, libpq_uri_password())) found.push_back(match[1].str());
  }
  for (std::sregex_iterator it(connection.begin(), connection.end(), keyword_password()), end;
       it != end; ++it) {
    std::string value = (*it)[2].str();
    if (value.size() >= 2 && value.front() == '\'') {
      std::string unquoted;
      for (size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) ++i;
        unquoted += value[i];
      }
      found.push_back(value.substr(1, value.size() - 2));
      found.push_back(unquoted);
    } else {
      found.push_back(value);
      found.push_back(percent_decoded(value));
    }
  }
  return found;
}

}  // namespace

NormalizedConnection normalize_connection_string(const std::string& connection) {
  NormalizedConnection normalized{connection, ""};
  std::smatch match;
  if (std::regex_search(connection, match, sqlalchemy_scheme())) {
    normalized.dropped_driver = match[3].str();
    normalized.text = match[1].str() + "://" + match.suffix().str();
  }
  if (!is_uri(normalized.text)) return normalized;
  auto info = find_user_info(normalized.text);
  if (!info || !info->has_password()) return normalized;
  std::string user_info = normalized.text.substr(info->begin, info->end - info->begin);
  static const std::vector<std::pair<char, const char*>> reserved = {
      {'@', "%40"}, {'/', "%2F"}, {'?', "%3F"}};
  for (const auto& [character, encoded] : reserved)
    if (user_info.find(character) != std::string::npos)
      throw usage_error(
          fmt::format("the user name or password in the database URL holds an unencoded '{}': "
                      "percent-encode it (write {})",
                      character, encoded),
          "in a URL write '@' as %40, '/' as %2F, '?' as %3F and '%' as %25; or leave the password "
          "out of the URL and set PGPASSWORD or use ~/.pgpass");
  if (bad_percent(user_info))
    throw usage_error(
        "the user name or password in the database URL holds a '%' that starts no %XX escape: "
        "percent-encode it (write %25)",
        "in a URL write '%' as %25; or leave the password out of the URL and set PGPASSWORD");
  return normalized;
}

bool names_connect_timeout(const std::string& connection) {
  return std::regex_search(connection, keyword_connect_timeout());
}

std::string with_connect_timeout(const std::string& connection, int seconds) {
  if (names_connect_timeout(connection)) return connection;
  if (is_uri(connection))
    return fmt::format("{}{}connect_timeout={}", connection,
                       connection.find('?') == std::string::npos ? '?' : '&', seconds);
  if (connection.find_first_not_of(" \t\n") == std::string::npos)
    return fmt::format("connect_timeout={}", seconds);
  return fmt::format("{} connect_timeout={}", connection, seconds);
}

std::string connect_failure_hint(const std::string& reason) {
  if (reason.find("timeout expired") != std::string::npos)
    return fmt::format(
        "the server did not answer within connect_timeout ({} s unless the connection string or "
        "PGCONNECT_TIMEOUT says otherwise); check that the host and port are PostgreSQL's",
        k_default_connect_timeout);
  // TLS: libpq's reason says which check failed; say which setting decides it.
  if (reason.find("certificate verify failed") != std::string::npos)
    return "the server's certificate is not signed by a CA that sslrootcert names (default "
           "~/.postgresql/root.crt); point sslrootcert at the CA that signed it";
  if (reason.find("does not match host name") != std::string::npos)
    return "sslmode=verify-full checks that the host in the connection string is one the "
           "server's certificate names; connect by that name (hostaddr= can still give the "
           "address), or use sslmode=verify-ca to check the CA only";
  if (reason.find("root certificate file") != std::string::npos)
    return "sslmode=verify-ca and verify-full need the CA's certificate: set sslrootcert to its "
           "file";
  if (reason.find("server does not support SSL") != std::string::npos)
    return "the server has TLS off (ssl = off); turn it on, or lower sslmode";
  if (reason.find("session is read-only") != std::string::npos ||
      reason.find("server is in hot standby mode") != std::string::npos)
    return "no host in the connection string is a primary: with target_session_attrs=read-write "
           "each host was tried and each is a standby; check the failover, then run again";
  return "check --database-url, DATABASE_URL or migrate.yaml, and that the server is running";
}

bool may_answer_later(const std::string& reason) {
  for (const char* refusal :
       {"password authentication failed", "authentication failed", "no pg_hba.conf entry",
        "does not exist", "permission denied", "too many connections"})
    if (reason.find(refusal) != std::string::npos) return false;
  for (const char* transient :
       {"Connection refused", "No such file or directory", "the database system is starting up",
        "the database system is shutting down", "the database system is in recovery mode",
        "could not translate host name", "timeout expired", "server closed the connection",
        "Network is unreachable", "No route to host"})
    if (reason.find(transient) != std::string::npos) return true;
  return false;
}

std::string redact_connection_string(const std::string& connection) {
  std::string text = connection;
  if (is_uri(text)) {
    if (auto info = find_user_info(text); info && info->has_password())
      text.replace(info->colon + 1, info->end - info->colon - 1, "***");
  }
  return redact_secrets(text);
}

std::string redact_in_message(const std::string& message, const std::string& connection) {
  std::string text = message;
  replace_all(text, connection, redact_connection_string(connection));
  for (const auto& password : passwords_in(connection)) replace_all(text, password, "***");
  return redact_secrets(text);
}

std::string redact_secrets(const std::string& text) {
  std::string out = std::regex_replace(text, uri_password_in_text(), "$1:***@");
  return std::regex_replace(out, keyword_password(), "$1password=***");
}

}  // namespace migrate::core
