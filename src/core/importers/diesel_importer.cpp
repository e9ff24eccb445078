// Diesel: one directory per migration, `<version>_<name>/up.sql`, `down.sql`
// and an optional `metadata.toml` (`run_in_transaction = false`). The version
// is the name up to its first underscore, dashes removed, as Diesel records it.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/importers/imported_history.hpp"

namespace migrate::core {

ImportedHistory import_diesel(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  struct Directory {
    const SourceFile* up = nullptr;
    const SourceFile* down = nullptr;
    const SourceFile* metadata = nullptr;
  };
  std::map<std::string, Directory> directories;
  for (const auto& file : files) {
    size_t slash = file.path.find('/');
    std::string name = slash == std::string::npos ? "" : file.path.substr(slash + 1);
    if (slash == std::string::npos || name.find('/') != std::string::npos ||
        (name != "up.sql" && name != "down.sql" && name != "metadata.toml")) {
      history.notes.push_back(
          fmt::format("{}: not part of a Diesel migration, left out", file.path));
      continue;
    }
    Directory& directory = directories[file.path.substr(0, slash)];
    (name == "up.sql"     ? directory.up
     : name == "down.sql" ? directory.down
                          : directory.metadata) = &file;
  }
  std::map<std::string, ImportedRevision> by_version;
  for (const auto& [directory_name, directory] : directories) {
    if (!directory.up) {
      problems.add(directory_name, 0, "a Diesel migration directory without up.sql");
      continue;
    }
    size_t underscore = directory_name.find('_');
    std::string version = directory_name.substr(0, underscore);
    version.erase(std::remove(version.begin(), version.end(), '-'), version.end());
    if (version.empty() || version.find_first_not_of("0123456789") != std::string::npos) {
      problems.add(
          directory.up->path, 0,
          "the directory name does not start with a Diesel version (e.g. 2024-01-15-093000_name)");
      continue;
    }
    if (by_version.count(version)) {
      problems.add(
          directory.up->path, 0,
          fmt::format("version {} appears twice (also {})", version, by_version[version].source));
      continue;
    }
    ImportedRevision revision;
    revision.id = version;
    revision.message =
        underscore == std::string::npos ? version : words_of(directory_name.substr(underscore + 1));
    revision.source = directory_name + "/";
    revision.up = directory.up->content;
    problems.check_no_markers(directory.up->path, revision.up);
    if (directory.down) {
      revision.down = directory.down->content;
      problems.check_no_markers(directory.down->path, *revision.down);
    }
    auto in_transaction = directory.metadata
                              ? boolean_setting(directory.metadata->content, "run_in_transaction")
                              : std::nullopt;
    // Diesel runs every migration in a transaction unless its metadata says not to.
    revision.transaction = in_transaction && !*in_transaction ? Transaction::off : Transaction::on;
    by_version[version] = std::move(revision);
  }
  problems.throw_if_any();
  for (auto& [version, revision] : by_version) history.revisions.push_back(std::move(revision));
  link_as_chain(history.revisions);
  return history;
}

}  // namespace migrate::core
