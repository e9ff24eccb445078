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
