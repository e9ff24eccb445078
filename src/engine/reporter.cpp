#include "engine/reporter.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"

namespace migrate::engine {

std::string describe_session(const Session& session) {
  std::string query = session.query;
  for (auto& c : query)
    if (c == '\n' || c == '\t') c = ' ';
  if (query.size() > 120) query = query.substr(0, 117) + "...";
  std::string who = session.application_name.empty() ? std::string("no application name") : session.application_name;
  return fmt::format("pid {} ({}, {}@{}, {} for {}): {}", session.pid, who, session.user, session.client,
                     session.state.empty() ? "state unknown" : session.state,
                     core::format_duration(std::chrono::milliseconds(static_cast<long long>(session.seconds_in_state * 1000))),
                     query.empty() ? "(no query)" : query);
}

}  // namespace migrate::engine
