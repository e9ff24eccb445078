// init and new: a migrations directory, a commented migrate.yaml, and new
// revision files whose parents are the current heads.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/json_document.hpp"
#include "core/revisions/revision_template.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::commands {

int run_init(Environment& env) {
  std::error_code error;
  bool had_dir = std::filesystem::is_directory(env.dir(), error);
  std::filesystem::create_directories(env.dir(), error);
  if (error)
    throw Error(ExitCode::runtime, fmt::format("cannot create {}: {}", env.dir(), error.message()));
  bool had_config = std::filesystem::exists("migrate.yaml", error);
  if (!had_config) fs::write_new_file(".", "migrate.yaml", core::config_template(env.dir()));
  if (env.json()) {
    nlohmann::json created = nlohmann::json::array();
    nlohmann::json kept = nlohmann::json::array();
    (had_dir ? kept : created).push_back(env.dir());
    (had_config ? kept : created).push_back("migrate.yaml");
    write_json(env, {{"command", "init"}, {"created", created}, {"kept", kept}});
    return 0;
  }
  env.out() << (had_dir ? fmt::format("{} exists; kept it\n", env.dir())
                        : fmt::format("created {}/\n", env.dir()));
  env.out() << (had_config ? "migrate.yaml exists; kept it\n" : "created migrate.yaml\n");
  env.out() << "next: `migrate new -m \"create users\"`, edit the file, then `migrate upgrade`\n";
  return 0;
}

int run_new(Environment& env, const NewOptions& options) {
  if (options.message.empty())
    throw usage_error("new needs a message", "e.g. `migrate new -m \"add users.email\"`");
  std::vector<std::string> parents;
  std::error_code error;
  if (std::filesystem::is_directory(env.dir(), error)) parents = env.load_graph().heads();
  std::string id = fs::new_revision_id();
  std::string name = core::revision_file_name(
      id, options.message, options.yaml ? core::RevisionFormat::yaml : core::RevisionFormat::sql);
  std::string content = options.yaml ? core::yaml_revision_template(id, parents, options.message)
                                     : core::sql_revision_template(id, parents, options.message);
  std::string path = fs::write_new_file(env.dir(), name, content);
  if (env.json())
    write_json(env, {{"command", "new"},
                     {"id", id},
                     {"path", path},
                     {"parents", parents},
                     {"format", options.yaml ? "yaml" : "sql"}});
  else
    env.out() << path << '\n';
  if (parents.size() > 1)
    env.reporter().info(fmt::format("the new revision joins {} heads ({})", parents.size(),
                                    fmt::join(parents, ", ")));
  return 0;
}

}  // namespace migrate::commands
