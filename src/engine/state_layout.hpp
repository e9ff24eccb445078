// Policy over the layout of migrate's state schema: which version this tool
// writes, when the layout must be created or updated, and refusing a database
// written by a newer migrate.
#pragma once

#include <string>

#include "engine/database.hpp"

namespace migrate::engine {

// The layout version this tool writes.
inline constexpr int k_state_layout_version = 1;

// True when the state schema is missing or older than this tool's layout.
bool layout_needs_update(const StateLayout& layout);

// Throws Error(runtime) when a newer migrate wrote the state schema `schema`:
// this one would misread it.
void refuse_newer_layout(const StateLayout& layout, const std::string& schema);

// The error for a state schema migrate may not create (SQLSTATE 42501,
// insufficient_privilege): which role lacks CREATE on which database or
// schema, and the GRANT that fixes it. `role` is "" when unknown.
Error state_permission_error(const DatabaseError& error, const std::string& schema,
                             const std::string& role);

// The applied revisions, after refusing a state schema this tool would misread.
std::vector<core::AppliedRevision> read_applied(Database& database, const std::string& schema);

}  // namespace migrate::engine
