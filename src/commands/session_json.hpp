// JSON shapes shared by commands: sessions, lock holders, applied revisions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/revisions/applied_revision.hpp"
#include "engine/database.hpp"

namespace migrate::commands {

nlohmann::json session_json(const engine::Session& session);
nlohmann::json holder_json(const engine::LockHolder& holder);
nlohmann::json applied_json(const core::AppliedRevision& revision);

}  // namespace migrate::commands
