// current: the revisions the database is at (its heads), one id a line, for
// scripts; read from the state alone, so it works whatever the files hold.
// wait: connect (retrying under --wait, a minute by default) and say so.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "commands/commands.hpp"
#include "commands/endpoint_text.hpp"
#include "commands/json_document.hpp"
#include "core/sql/grammar.hpp"
#include "engine/state_layout.hpp"

namespace migrate::commands {

int run_current(Environment& env) {
  auto database = env.connect();
  std::vector<core::AppliedRevision> applied = engine::read_applied(*database, env.schema());
  std::unordered_set<std::string> built_on;
  for (const auto& record : applied)
    for (const auto& parent : record.parents) built_on.insert(parent);
  std::vector<const core::AppliedRevision*> heads;
  for (const auto& record : applied)
    if (!built_on.count(record.id)) heads.push_back(&record);
  std::sort(heads.begin(), heads.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* head : heads)
      list.push_back({{"id", head->id},
                      {"message", head->message},
                      {"phase", core::to_string(head->phase)},
                      {"applied_at", head->applied_at}});
    write_json(env, {{"heads", list}});
    return 0;
  }
  // Nothing applied prints nothing: the database is at base.
  for (const auto* head : heads) env.out() << head->id << '\n';
  if (heads.empty()) env.reporter().info("nothing is applied: the database is at base");
  return 0;
}

int run_wait(Environment& env) {
  auto database = env.connect();
  std::string version = core::server_version_text(database->server_version());
  const engine::Endpoint reached = database->endpoint();
  if (env.json()) {
    nlohmann::json result = {{"database", env.database_display()}, {"server_version", version}};
    result.update(endpoint_json(reached));
    write_json(env, result);
    return 0;
  }
  env.out() << fmt::format("{} answers (PostgreSQL {} at {})\n", env.database_display(), version,
                           endpoint_text(reached));
  return 0;
}

}  // namespace migrate::commands
