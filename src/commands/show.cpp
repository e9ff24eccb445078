// show: a revision's file from the migrations directory, or, when the files
// lack it, the content the database recorded when it was applied; --write
// restores that content as a file for review, and --recorded prints it even
// when the file exists (to see what an edited file was when applied).
#include <fmt/format.h>

#include <filesystem>

#include "commands/commands.hpp"
#include "core/revisions/revision_parser.hpp"
#include "core/suggest.hpp"
#include "engine/state_layout.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::commands {

int run_show(Environment& env, const ShowOptions& options) {
  core::RevisionGraph graph = env.load_graph();
  const bool from_files = !options.write && !options.recorded;
  if (from_files && graph.contains(options.revision)) {
    env.out() << graph.get(options.revision).content;
    return 0;
  }
  std::vector<std::string> prefixed = graph.matching_prefix(options.revision);
  if (from_files && prefixed.size() == 1) {
    env.out() << graph.get(prefixed.front()).content;
    return 0;
  }
  auto database = env.connect();
  std::vector<core::AppliedRevision> applied = engine::read_applied(*database, env.schema());
  std::vector<const core::AppliedRevision*> matches;
  for (const auto& record : applied)
    if (record.id.compare(0, options.revision.size(), options.revision) == 0)
      matches.push_back(&record);
  if (matches.empty()) {
    // A suggestion only: which revision to show is never guessed.
    std::vector<std::string> ids = graph.order();
    for (const auto& record : applied) ids.push_back(record.id);
    bool in_files = !prefixed.empty() || graph.contains(options.revision);
    throw usage_error(
        in_files ? fmt::format("revision {} is not applied: the database has no copy of it",
                               options.revision)
                 : fmt::format("no revision '{}' in {} or in the database{}", options.revision,
                               env.dir(), core::did_you_mean(options.revision, ids)),
        in_files ? fmt::format("`migrate show {}` prints the file", options.revision)
                 : "`migrate history` lists the files' revisions, `migrate status` what the "
                   "database holds");
  }
  if (matches.size() > 1) {
    std::vector<std::string> ids;
    for (const auto* match : matches) ids.push_back(match->id);
    throw usage_error(fmt::format("revision prefix '{}' is ambiguous: {}", options.revision,
                                  fmt::join(ids, ", ")),
                      "give more characters of the id");
  }
  const core::AppliedRevision& record = *matches.front();
  std::string content = database->read_content(record.id);
  if (content.empty())
    throw Error(ExitCode::runtime,
                fmt::format("the database has no recorded content for {}", record.id),
                "it was applied by a tool that did not record content");
  if (!options.write) {
    env.out() << content;
    if (const core::Revision* file = graph.find(record.id); file && file->content != content)
      env.reporter().info(
          fmt::format("{} has changed since {} was applied ({}); this is the content applied then",
                      file->path, record.id, record.applied_at));
    return 0;
  }
  if (graph.contains(record.id))
    throw usage_error(
        fmt::format("{} is already in {} ({}); --write restores only a revision the files lack",
                    record.id, env.dir(), graph.get(record.id).path),
        fmt::format("`migrate show {} --recorded` prints the database's copy, to compare with the "
                    "file",
                    record.id));
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
