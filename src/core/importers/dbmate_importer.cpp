// dbmate: `<version>_<name>.sql` files, each with `-- migrate:up` and
// `-- migrate:down` sections (options such as `transaction:false` after the marker).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/importers/imported_history.hpp"

namespace migrate::core {

namespace {

struct Marker {
  std::string section;  // "up" or "down"
  std::string options;  // the rest of the marker line
};

// dbmate's own marker (`-- migrate:up transaction:false`), or nullopt.
std::optional<Marker> marker_of(const std::string& line) {
  size_t begin = line.find_first_not_of(" \t");
  if (begin == std::string::npos || line.compare(begin, 2, "--") != 0) return std::nullopt;
  size_t key = line.find_first_not_of(" \t", begin + 2);
  if (key == std::string::npos || line.compare(key, 8, "migrate:") != 0) return std::nullopt;
  size_t name = key + 8;
  size_t name_end = std::min(line.find_first_of(" \t\r", name), line.size());
  Marker marker{line.substr(name, name_end - name),
                name_end < line.size() ? line.substr(name_end) : ""};
  marker.options.erase(0, marker.options.find_first_not_of(" \t"));
  while (!marker.options.empty() && std::isspace(static_cast<unsigned char>(marker.options.back())))
    marker.options.pop_back();
  return marker;
}

bool digits_only(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ImportedHistory import_dbmate(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  std::map<std::string, ImportedRevision> by_version;
  for (const auto& file : files) {
    size_t underscore = file.path.find('_');
    bool sql = ends_with(file.path, ".sql");
    if (file.path.find('/') != std::string::npos || !sql || underscore == std::string::npos ||
        !digits_only(file.path.substr(0, underscore))) {
      history.notes.push_back(
          fmt::format("{}: not a dbmate migration (<version>_<name>.sql), left out", file.path));
      continue;
    }
    ImportedRevision revision;
    revision.id = file.path.substr(0, underscore);
    revision.message =
        words_of(file.path.substr(underscore + 1, file.path.size() - underscore - 5));
    revision.source = file.path;
    std::string* section = nullptr;
    std::string down;
    bool has_down = false, has_up = false;
    int line_number = 0;
    for (size_t pos = 0; pos < file.content.size();) {
      size_t end = file.content.find('\n', pos);
      size_t next = end == std::string::npos ? file.content.size() : end + 1;
      std::string line = file.content.substr(pos, next - pos);
      ++line_number;
      pos = next;
      auto marker = marker_of(line.substr(0, line.find('\n')));
      if (marker && (marker->section == "up" || marker->section == "down")) {
        bool up = marker->section == "up";
        if ((up && has_up) || (!up && has_down))
          problems.add(file.path, line_number,
                       fmt::format("a second '-- migrate:{}' section", marker->section));
        (up ? has_up : has_down) = true;
        section = up ? &revision.up : &down;
        if (marker->options == "transaction:false") {
          revision.transaction = Transaction::off;
        } else if (!marker->options.empty() && marker->options != "transaction:true") {
          problems.add(file.path, line_number,
                       fmt::format("unknown dbmate option '{}'", marker->options));
        }
        continue;
      }
      if (marker)
        problems.add(file.path, line_number,
                     "a line starting with '-- migrate:' would be read as a migrate marker; reword "
                     "that comment");
      if (section) {
        *section += line;
      } else if (line.find_first_not_of(" \t\r\n") != std::string::npos &&
                 line.compare(0, 2, "--") != 0) {
        problems.add(file.path, line_number, "SQL before '-- migrate:up'");
      }
    }
    if (!has_up) problems.add(file.path, 1, "no '-- migrate:up' section");
    if (has_down) revision.down = down;
    if (by_version.count(revision.id))
      problems.add(file.path, 1,
                   fmt::format("version {} appears twice (also {})", revision.id,
                               by_version[revision.id].source));
    by_version[revision.id] = std::move(revision);
  }
  problems.throw_if_any();
  // dbmate applies in version order, compared as text of equal length (timestamps).
  for (auto& [version, revision] : by_version) history.revisions.push_back(std::move(revision));
  link_as_chain(history.revisions);
  return history;
}

}  // namespace migrate::core
