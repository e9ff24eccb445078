// golang-migrate: `<version>_<title>.up.sql` and `<version>_<title>.down.sql`,
// version an unsigned integer, applied in numeric order; the state table
// holds the newest version only.
#include <fmt/format.h>

#include <map>

#include "core/importers/imported_history.hpp"

namespace migrate::core {

namespace {

struct Parsed {
  unsigned long long version = 0;
  std::string title;
  std::string direction;  // "up" or "down"
  std::string extension;
};

// `<digits>_<title>.<up|down>.<ext>`, or nullopt.
std::optional<Parsed> parse_name(const std::string& name) {
  size_t digits = name.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string::npos || name[digits] != '_') return std::nullopt;
  size_t ext_dot = name.rfind('.');
  if (ext_dot == std::string::npos || ext_dot == 0) return std::nullopt;
  size_t direction_dot = name.rfind('.', ext_dot - 1);
  if (direction_dot == std::string::npos || direction_dot <= digits) return std::nullopt;
  Parsed parsed;
  parsed.direction = name.substr(direction_dot + 1, ext_dot - direction_dot - 1);
  if (parsed.direction != "up" && parsed.direction != "down") return std::nullopt;
  try {
    parsed.version = std::stoull(name.substr(0, digits));
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
  parsed.title = name.substr(digits + 1, direction_dot - digits - 1);
  parsed.extension = name.substr(ext_dot + 1);
  return parsed;
}

}  // namespace

ImportedHistory import_golang_migrate(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  std::map<unsigned long long, ImportedRevision> by_version;
  std::map<unsigned long long, std::string> up_file, down_file;
  for (const auto& file : files) {
    auto parsed = file.path.find('/') == std::string::npos ? parse_name(file.path) : std::nullopt;
    if (!parsed) {
      history.notes.push_back(fmt::format(
          "{}: not a golang-migrate migration (<version>_<title>.up.sql / .down.sql), left out",
          file.path));
      continue;
    }
    if (parsed->extension != "sql") {
      problems.add(
          file.path, 0,
          fmt::format("only SQL migrations can be imported, not .{} files", parsed->extension));
      continue;
    }
    auto& seen = parsed->direction == "up" ? up_file : down_file;
    if (seen.count(parsed->version)) {
      problems.add(file.path, 0,
                   fmt::format("version {} has a second {} file (also {})", parsed->version,
                               parsed->direction, seen[parsed->version]));
      continue;
    }
    seen[parsed->version] = file.path;
    problems.check_no_markers(file.path, file.content);
    ImportedRevision& revision = by_version[parsed->version];
    revision.id = std::to_string(parsed->version);
    if (parsed->direction == "up") {
      revision.up = file.content;
      revision.message = words_of(parsed->title);
      revision.transaction = transaction_needed(file.content);
    } else {
      revision.down = file.content;
    }
  }
  for (const auto& [version, path] : down_file)
    if (!up_file.count(version))
      problems.add(path, 0, fmt::format("version {} has a down file but no up file", version));
  problems.throw_if_any();
  for (auto& [version, revision] : by_version) {
    revision.source =
        up_file[version] + (down_file.count(version) ? ", " + down_file[version] : "");
    history.revisions.push_back(std::move(revision));
  }
  link_as_chain(history.revisions);
  return history;
}

}  // namespace migrate::core
