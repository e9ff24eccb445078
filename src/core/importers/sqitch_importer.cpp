// Sqitch: `sqitch.plan` lists changes in order, each with its dependencies in
// brackets; `deploy/<change>.sql` and `revert/<change>.sql` hold the SQL. The
// dependencies become parents, so the history is a DAG as Sqitch sees it.
#include <fmt/format.h>

#include <map>
#include <set>

#include "core/importers/imported_history.hpp"

namespace migrate::core {

namespace {

const std::string k_plan = "sqitch.plan";

const SourceFile* find_file(const std::vector<SourceFile>& files, const std::string& path) {
  for (const auto& file : files)
    if (file.path == path) return &file;
  return nullptr;
}

// A psql meta-command (`\i`, `\set`) runs only under psql.
void check_psql_commands(ImportProblems& problems, const SourceFile& file) {
  int line = 1;
  for (size_t pos = 0; pos < file.content.size(); ++line) {
    size_t end = std::min(file.content.find('\n', pos), file.content.size());
    std::string text = trimmed(file.content.substr(pos, end - pos));
    if (!text.empty() && text[0] == '\\')
      problems.add(
          file.path, line,
          fmt::format("psql meta-command '{}' runs only under psql; write it as SQL", text));
    pos = end + 1;
  }
}

}  // namespace

ImportedHistory import_sqitch(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  const SourceFile* plan = find_file(files, k_plan);
  if (!plan) {
    problems.add(k_plan, 0, "no sqitch.plan in the source directory");
    problems.throw_if_any();
  }
  std::set<std::string> seen;
  int line_number = 0;
  for (size_t pos = 0; pos < plan->content.size();) {
    size_t end = std::min(plan->content.find('\n', pos), plan->content.size());
    std::string line = trimmed(plan->content.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '%' || line[0] == '#' || line[0] == '@') continue;
    std::string note;
    size_t hash = line.find(" #");
    if (hash != std::string::npos) {
      note = trimmed(line.substr(hash + 2));
      line = trimmed(line.substr(0, hash));
    }
    size_t name_end = line.find_first_of(" \t[");
    std::string name = line.substr(0, name_end);
    std::vector<std::string> dependencies;
    size_t open = line.find('[');
    if (open != std::string::npos) {
      size_t close = line.find(']', open);
      std::string inside =
          line.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
      for (size_t at = 0; at < inside.size();) {
        size_t stop = std::min(inside.find_first_of(" \t", at), inside.size());
        std::string dependency = inside.substr(at, stop - at);
        at = stop + 1;
        if (dependency.empty()) continue;
        if (dependency[0] == '!' || dependency.find_first_of(":@") != std::string::npos) {
          problems.add(
              k_plan, line_number,
              fmt::format(
                  "change '{}' has dependency '{}': conflicts, tags and other projects have no "
                  "equivalent in migrate's parents",
                  name, dependency));
          continue;
        }
        if (!seen.count(dependency))
          problems.add(k_plan, line_number,
                       fmt::format("change '{}' dependencies '{}', which the plan does not list "
                                   "before it",
                                   name, dependency));
        dependencies.push_back(dependency);
      }
    }
    if (seen.count(name)) {
      problems.add(
          k_plan, line_number,
          fmt::format(
              "change '{}' is reworked (listed twice): a reworked change cannot be one revision",
              name));
      continue;
    }
    seen.insert(name);
    ImportedRevision revision;
    revision.id = name;
    revision.parents = dependencies;
    revision.message = note.empty() ? words_of(name) : note;
    const SourceFile* deploy = find_file(files, "deploy/" + name + ".sql");
    const SourceFile* revert = find_file(files, "revert/" + name + ".sql");
    if (!deploy) {
      problems.add(k_plan, line_number,
                   fmt::format("change '{}' has no deploy/{}.sql", name, name));
      continue;
    }
    revision.source = deploy->path;
    revision.up = deploy->content;
    problems.check_no_markers(deploy->path, deploy->content);
    check_psql_commands(problems, *deploy);
    if (revert) {
      revision.down = revert->content;
      revision.source += ", " + revert->path;
      problems.check_no_markers(revert->path, revert->content);
      check_psql_commands(problems, *revert);
    }
    // Sqitch scripts usually hold their own BEGIN and COMMIT; psql runs them as they are.
    revision.transaction = transaction_needed(deploy->content);
    history.revisions.push_back(std::move(revision));
  }
  problems.throw_if_any();
  return history;
}

}  // namespace migrate::core
