// Reads what a database holds besides migrate's state: other tools' state
// tables with their newest version, and plain tables (PgDatabase::foreign_state).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/importers/foreign_state.hpp"
#include "engine/state_sql.hpp"

namespace migrate::pg {

// Runs one query and returns its rows; throws engine::DatabaseError when the
// server refuses it.
using Query = std::function<std::vector<engine::Row>(const std::string& sql)>;

// Three round trips at most, plus one per state table found; reads only.
core::ForeignState read_foreign_state(const Query& query, const engine::StateSql& state);

}  // namespace migrate::pg
