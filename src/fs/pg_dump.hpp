// pg_dump run as a process, for `migrate dump`.
#pragma once

#include <string>

namespace migrate::fs {

// The schema of the database `connection` names, as `pg_dump --schema-only
// --no-owner --no-privileges` prints it, without the schema `exclude`
// (migrate's state). Throws Error(usage) when pg_dump is not installed,
// Error(runtime) with pg_dump's last message when it fails.
std::string pg_dump_schema(const std::string& connection, const std::string& exclude);

}  // namespace migrate::fs
