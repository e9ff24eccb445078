// Which PostgreSQL grammar the client-side parser (libpg_query) knows, and
// how a server's version compares with it.
#pragma once

#include <string>

namespace migrate::core {

// libpg_query's grammar is PostgreSQL 15's.
inline constexpr int k_parser_major_version = 15;

// `server_version` as libpq reports it (150004 for 15.4, 90624 for 9.6.24; 0: no server).
inline bool newer_than_parser(int server_version) {
  return server_version / 10000 > k_parser_major_version;
}

// "15.4", "9.6.24"; "" for 0.
inline std::string server_version_text(int server_version) {
  if (server_version <= 0) return {};
  int major = server_version / 10000;
  if (major >= 10) return std::to_string(major) + "." + std::to_string(server_version % 10000);
  return std::to_string(major) + "." + std::to_string(server_version / 100 % 100) + "." +
         std::to_string(server_version % 100);
}

}  // namespace migrate::core
