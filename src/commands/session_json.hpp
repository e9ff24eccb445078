// JSON shapes shared by commands: sessions, lock holders, applied revisions,
// lint findings, what another tool left in a database.
#pragma once

#include <nlohmann/json.hpp>

#include "core/checks/lint.hpp"
#include "core/importers/foreign_state.hpp"
#include "core/revisions/applied_revision.hpp"
#include "engine/database.hpp"

namespace migrate::commands {

nlohmann::json session_json(const engine::Session& session);
nlohmann::json holder_json(const engine::LockHolder& holder);
nlohmann::json applied_json(const core::AppliedRevision& revision);
nlohmann::json finding_json(const core::LintFinding& finding);
nlohmann::json foreign_state_json(const core::ForeignState& foreign);

}  // namespace migrate::commands
