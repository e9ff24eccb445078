// pg_dump run as a process, for `migrate dump`.
#pragma once

#include <string>

namespace migrate::fs {

// A connection string split for a child process: the password (which goes in
// its environment as PGPASSWORD) and the rest as keyword/value text.
struct PgDumpConnection {
  std::string connection;
  std::string password;  // "" when the string names none
};

// Parsed by libpq itself, so URIs, keyword strings and multi-host lists all
// keep their meaning. Throws Error(usage), the password hidden, when libpq
// cannot parse it.
PgDumpConnection without_password(const std::string& connection);

// The schema of the database `connection` names, as `pg_dump --schema-only
// --no-owner --no-privileges` prints it, without the schema `exclude`
// (migrate's state). Throws Error(usage) when pg_dump is not installed,
// Error(runtime) with pg_dump's last message when it fails.
std::string pg_dump_schema(const std::string& connection, const std::string& exclude);

}  // namespace migrate::fs
