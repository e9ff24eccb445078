#include "core/revisions/revision_parser.hpp"

#include "core/revisions/checksum.hpp"
#include "core/revisions/text_checks.hpp"

namespace migrate::core {

static bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<RevisionFormat> format_of(const std::string& path) {
  if (ends_with(path, ".sql")) return RevisionFormat::sql;
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) return RevisionFormat::yaml;
  return std::nullopt;
}

std::vector<std::string> split_ids(const std::string& value) {
  std::vector<std::string> ids;
  std::string current;
  for (char c : value) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!current.empty()) ids.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) ids.push_back(std::move(current));
  return ids;
}

std::string declared_id(const SourceFile& file) {
  const std::string& text = file.content;
  const bool sql = format_of(file.path) == RevisionFormat::sql;
  const std::string key = sql ? "-- migrate:revision" : "revision:";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (line.compare(0, key.size(), key) == 0) {
      auto ids = split_ids(line.substr(key.size()));
      if (!ids.empty()) {
        std::string id = ids.front();
        if (!sql && id.size() >= 2 && (id.front() == '"' || id.front() == '\''))
          id = id.substr(1, id.size() - 2);
        return id;
      }
    }
    pos = end + 1;
  }
  return {};
}

namespace {

// The revision a file declares, without its content yet; nullopt on problems.
std::optional<Revision> read_revision(const SourceFile& file, std::vector<FileProblem>& problems) {
  auto format = format_of(file.path);
  if (!format) {
    problems.push_back({file.path, 0, "not a revision file (expected .sql, .yaml or .yml)"});
    return std::nullopt;
  }
  std::vector<FileProblem> bytes = check_bytes(file);
  if (!bytes.empty()) {
    problems.insert(problems.end(), bytes.begin(), bytes.end());
    return std::nullopt;
  }
  return *format == RevisionFormat::sql ? parse_sql_revision(file, problems)
                                        : parse_yaml_revision(file, problems);
}

// Checks what needs the sections' text, once the revision holds its content.
bool text_is_sound(const Revision& revision, std::vector<FileProblem>& problems) {
  size_t before = problems.size();
  check_revision_text(revision, problems);
  return problems.size() == before;
}

}  // namespace

std::optional<Revision> parse_revision(SourceFile&& file, std::vector<FileProblem>& problems) {
  auto revision = read_revision(file, problems);
  if (!revision) return revision;
  revision->content = std::move(file.content);
  if (!text_is_sound(*revision, problems)) {
    file.content = std::move(revision->content);
    return std::nullopt;
  }
  // The revision's copy of the path replaces the file's: a directory's load
  // then never holds two copies of every path.
  revision->path = std::move(file.path);
  return revision;
}

bool Revision::has_contract() const {
  if (summary_only) return summary_has_contract;
  if (format == RevisionFormat::sql) return contract.present && contract.size > 0;
  for (const auto& operation : operations)
    if (operation_has_contract(operation)) return true;
  return false;
}

bool Revision::checksum_matches(std::string_view recorded) const {
  if (summary_only) return recorded == summary_checksum;
  return core::checksum_matches(recorded, content);
}

FileProblem draft_problem(const Revision& revision) {
  return {revision.path, revision.draft_line,
          revision.format == RevisionFormat::sql ? "the 'up' section is empty"
                                                 : "'operations' is empty",
          "write what it does (or delete the file): only a merge revision may run nothing"};
}

}  // namespace migrate::core
