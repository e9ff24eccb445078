// import: another tool's migrations written as migrate revision files, ids
// kept as the tool's versions so `stamp --from-state` can adopt its database.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/json_document.hpp"
#include "core/importers/alembic_importer.hpp"
#include "core/importers/imported_history.hpp"
#include "core/revisions/revision_loader.hpp"
#include "fs/alembic_offline.hpp"
#include "fs/migrations_dir.hpp"
#include "fs/source_tree.hpp"

namespace migrate::commands {

namespace {

// The graph from versions/*.py, the SQL from Alembic's offline mode.
core::ImportedHistory import_alembic(const std::string& source,
                                     const std::vector<core::SourceFile>& files) {
  core::ImportedHistory history = core::alembic_graph(files);
  if (history.revisions.empty()) return history;
  std::string upgrade = fs::alembic_offline_sql(source, "upgrade", "heads");
  std::string downgrade = fs::alembic_offline_sql(source, "downgrade", "head:base");
  core::fill_alembic_sql(history, upgrade, downgrade);
  return history;
}

}  // namespace

int run_import(Environment& env, const ImportOptions& options) {
  auto tool = core::import_tool_from(options.from);
  if (!tool)
    throw usage_error(fmt::format("cannot import from '{}'", options.from),
                      "--from takes one of: " + core::import_tool_names());
  std::error_code error;
  if (std::filesystem::is_directory(env.dir(), error) && !fs::read_migrations(env.dir()).empty())
    throw usage_error(
        fmt::format("{} already holds revision files", env.dir()),
        "import into an empty directory (--dir), so the imported history is the whole graph");
  std::vector<core::SourceFile> sources = fs::read_source_tree(options.source);
  core::ImportedHistory history = *tool == core::ImportTool::alembic
                                      ? import_alembic(options.source, sources)
                                      : core::import_history(*tool, sources);
  if (history.revisions.empty())
    throw usage_error(
        fmt::format("no {} migrations found in {}", core::to_string(*tool), options.source),
        "give the directory that holds them");
  std::vector<core::SourceFile> files = core::render_history(history, *tool, env.dir());
  // Every file is checked as the loader will read it before any is written.
  core::load_revisions(files);
  std::vector<std::string> written;
  for (const auto& file : files) {
    std::filesystem::path path(file.path);
    written.push_back(fs::write_new_file(env.dir(), path.filename().string(), file.content));
  }
  for (const auto& note : history.notes) env.reporter().warning(note);
  if (env.json()) {
    write_json(env, nlohmann::json{{"command", "import"},
                                   {"from", options.from},
                                   {"written", written},
                                   {"left_out", history.notes}});
    return 0;
  }
  for (const auto& path : written) env.out() << path << '\n';
  env.reporter().info(
      fmt::format("imported {} {} migration{} into {}; next: `migrate stamp --from-state {}` on "
                  "a database {} built",
                  written.size(), core::to_string(*tool), written.size() == 1 ? "" : "s", env.dir(),
                  core::to_string(*tool), core::to_string(*tool)));
  return 0;
}

}  // namespace migrate::commands
