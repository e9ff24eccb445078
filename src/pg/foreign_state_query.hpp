// Reads what a database holds besides migrate's state: other tools' state
// tables with their newest version, and plain tables (PgDatabase::foreign_state).
#pragma once

#include "engine/database.hpp"
#include "engine/state_sql.hpp"

namespace migrate::pg {

// Three round trips at most, plus one per state table found; reads only.
core::ForeignState read_foreign_state(engine::Database& database, const engine::StateSql& state);

}  // namespace migrate::pg
