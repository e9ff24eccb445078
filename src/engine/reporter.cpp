#include "engine/reporter.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"

namespace migrate::engine {

std::string query_summary(const std::string& query, size_t max) {
  std::string text;
  for (char c : query) {
    bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (space && (text.empty() || text.back() == ' ')) continue;
    text += space ? ' ' : c;
  }
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

std::string describe_session(const Session& session) {
  std::string query = query_summary(session.query);
  std::string who = session.application_name.empty() ? std::string("no application name")
                                                     : session.application_name;
  return fmt::format("pid {} ({}, {}@{}, {} for {}): {}", session.pid, who, session.user,
                     session.client, session.state.empty() ? "state unknown" : session.state,
                     core::format_duration(std::chrono::milliseconds(
                         static_cast<long long>(session.seconds_in_state * 1000))),
                     query.empty() ? "(no query)" : query);
}

}  // namespace migrate::engine
