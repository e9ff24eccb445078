#include "engine/state_layout.hpp"

#include <fmt/format.h>

namespace migrate::engine {

bool layout_needs_update(const StateLayout& layout) {
  return !layout.exists || layout.version < k_state_layout_version;
}

void refuse_newer_layout(const StateLayout& layout, const std::string& schema) {
  if (layout.version <= k_state_layout_version) return;
  throw Error(
      ExitCode::runtime,
      fmt::format(
          "the state schema \"{}\" has layout version {}, newer than this migrate understands ({})",
          schema, layout.version, k_state_layout_version),
      "upgrade migrate to the version that last wrote this database");
}

Error state_permission_error(const DatabaseError& error, const std::string& schema,
                             const std::string& role) {
  const std::string message = error.what();
  // PostgreSQL names what is missing: "permission denied for database app" or
  // "... for schema migrate".
  auto object_after = [&](const std::string& marker) -> std::string {
    size_t at = message.find(marker);
    if (at == std::string::npos) return {};
    std::string rest = message.substr(at + marker.size());
    return rest.substr(0, rest.find_first_of(" \n"));
  };
  const std::string who =
      role.empty() ? std::string("the role migrate connects as") : "role " + role;
  const std::string grantee = role.empty() ? std::string("<role>") : role;
  std::string database = object_after("permission denied for database ");
  std::string on_schema = object_after("permission denied for schema ");
  if (!on_schema.empty())
    return Error(ExitCode::runtime,
                 fmt::format("cannot create migrate's state in schema \"{}\": {} lacks CREATE on "
                             "schema {} ({})",
                             schema, who, on_schema, message),
                 fmt::format("as the schema's owner or a superuser, run `GRANT USAGE, CREATE ON "
                             "SCHEMA {} TO {};`, then run the command again",
                             on_schema, grantee));
  return Error(
      ExitCode::runtime,
      fmt::format("cannot create migrate's state schema \"{}\": {} lacks CREATE on database {} "
                  "({})",
                  schema, who, database.empty() ? "?" : database, message),
      fmt::format("as the database's owner or a superuser, run `GRANT CREATE ON DATABASE {} TO "
                  "{};` (or create the schema for it once: `CREATE SCHEMA {} AUTHORIZATION {};`), "
                  "then run the command again",
                  database.empty() ? "<database>" : database, grantee, schema, grantee));
}

std::vector<core::AppliedRevision> read_applied(Database& database, const std::string& schema) {
  refuse_newer_layout(database.state_layout(), schema);
  return database.read_applied();
}

Database::StatusReads Database::read_status(const std::string& schema) {
  StatusReads reads;
  reads.layout = state_layout();
  refuse_newer_layout(reads.layout, schema);
  reads.applied = read_applied();
  reads.holder = lock_holder();
  reads.invalid_indexes = invalid_indexes();
  return reads;
}

}  // namespace migrate::engine
