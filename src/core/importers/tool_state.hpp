// Another tool's state table read as migrate revisions, for `stamp
// --from-state`: what the tool says is applied, checked against the imported
// graph (every version known, the set closed under ancestors), never changed.
#pragma once

#include <string>
#include <vector>

#include "core/importers/imported_history.hpp"
#include "core/revisions/revision_graph.hpp"

namespace migrate::core {

// The tool's state table as to_regclass finds it ("alembic_version", "sqitch.changes").
std::string state_table_of(ImportTool tool);

// One row per record, in the order the tool wrote them: version, whether it
// succeeded (golang-migrate: not dirty; Flyway: success), and its kind
// (Flyway's type: SQL, UNDO_SQL, BASELINE; "" for the others).
std::string state_rows_sql(ImportTool tool, const std::string& relation);

struct ToolStateRow {
  std::string version;
  bool succeeded = true;
  std::string kind;
};

// The revisions the tool's state says are applied, parents first. Throws
// Error(unadopted_database) when a version is unknown to the files, a record
// failed or is dirty, or the set has gaps (each listed).
std::vector<std::string> applied_from_state(ImportTool tool, const std::vector<ToolStateRow>& rows,
                                            const RevisionGraph& graph,
                                            const std::string& relation);

}  // namespace migrate::core
