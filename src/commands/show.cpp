// show: a revision's file from the migrations directory, or, when the files
// lack it, the content the database recorded when it was applied; --write
// restores that content as a file for review.
#include <fmt/format.h>

#include <filesystem>

#include "commands/commands.hpp"
#include "core/revisions/revision_parser.hpp"
#include "engine/state_layout.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::commands {

int run_show(Environment& env, const ShowOptions& options) {
  core::RevisionGraph graph = env.load_graph();
  if (!options.write && graph.contains(options.revision)) {
    env.out() << graph.get(options.revision).content;
    return 0;
  }
  std::vector<std::string> prefixed = graph.matching_prefix(options.revision);
  if (!options.write && prefixed.size() == 1) {
    env.out() << graph.get(prefixed.front()).content;
    return 0;
  }
  auto database = env.connect();
  std::vector<core::AppliedRevision> applied = engine::read_applied(*database, env.schema());
  std::vector<const core::AppliedRevision*> matches;
  for (const auto& record : applied)
    if (record.id.compare(0, options.revision.size(), options.revision) == 0)
      matches.push_back(&record);
  if (matches.empty())
    throw usage_error(
        fmt::format("no revision '{}' in {} or in the database", options.revision, env.dir()));
  if (matches.size() > 1) {
    std::vector<std::string> ids;
    for (const auto* match : matches) ids.push_back(match->id);
    throw usage_error(fmt::format("revision prefix '{}' is ambiguous: {}", options.revision,
                                  fmt::join(ids, ", ")));
  }
  const core::AppliedRevision& record = *matches.front();
  std::string content = database->read_content(record.id);
  if (content.empty())
    throw Error(ExitCode::runtime,
                fmt::format("the database has no recorded content for {}", record.id),
                "it was applied by a tool that did not record content");
  if (!options.write) {
    env.out() << content;
    return 0;
  }
  if (graph.contains(record.id))
    throw usage_error(
        fmt::format("{} is already in {} ({})", record.id, env.dir(), graph.get(record.id).path));
  std::string name = std::filesystem::path(record.path).filename().string();
  if (name.empty() || !core::format_of(name)) name = record.id + ".sql";
  std::string path = fs::write_new_file(env.dir(), name, content);
  env.out() << path << '\n';
  env.reporter().info(
      fmt::format("restored {} from the database (applied {} by {}); review it, commit it, then "
                  "run `migrate resolve-branch` if the files now have two heads",
                  record.id, record.applied_at, record.applied_by));
  return 0;
}

}  // namespace migrate::commands
