// Flyway: versioned `V<version>__<description>.sql` (version parts separated
// by dots or underscores, compared as numbers), undo `U<version>__*.sql`, and
// repeatable `R__*.sql`, which have no place in a chain: reported, not imported.
// `<file>.conf` with `executeInTransaction=false` runs outside a transaction.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/importers/imported_history.hpp"

namespace migrate::core {

namespace {

struct Name {
  char prefix = 0;
  std::string version;  // dotted, as Flyway records it
  std::string description;
};

std::optional<Name> parse_name(const std::string& file_name) {
  if (!ends_with(file_name, ".sql")) return std::nullopt;
  std::string stem = file_name.substr(0, file_name.size() - 4);
  size_t separator = stem.find("__");
  if (separator == std::string::npos) return std::nullopt;
  Name name{stem[0], stem.substr(1, separator - 1), words_of(stem.substr(separator + 2))};
  std::replace(name.version.begin(), name.version.end(), '_', '.');
  if (name.prefix == 'R') return name.version.empty() ? std::optional<Name>(name) : std::nullopt;
  if (name.prefix != 'V' && name.prefix != 'U') return std::nullopt;
  if (name.version.empty() || name.version.find_first_not_of("0123456789.") != std::string::npos ||
      name.version.front() == '.' || name.version.back() == '.' ||
      name.version.find("..") != std::string::npos)
    return std::nullopt;
  return name;
}

std::vector<unsigned long long> parts_of(const std::string& version) {
  std::vector<unsigned long long> parts;
  size_t pos = 0;
  while (pos <= version.size()) {
    size_t end = std::min(version.find('.', pos), version.size());
    parts.push_back(std::stoull(version.substr(pos, end - pos)));
    pos = end + 1;
  }
  while (parts.size() > 1 && parts.back() == 0) parts.pop_back();  // 1.0 is 1, as Flyway compares
  return parts;
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

ImportedHistory import_flyway(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  std::map<std::string, const SourceFile*> confs;
  for (const auto& file : files)
    if (ends_with(file.path, ".sql.conf")) confs[file.path.substr(0, file.path.size() - 5)] = &file;
  std::map<std::vector<unsigned long long>, ImportedRevision> versioned;
  std::map<std::vector<unsigned long long>, const SourceFile*> undo;
  for (const auto& file : files) {
    if (ends_with(file.path, ".sql.conf")) continue;
    auto name = parse_name(base_name(file.path));
    if (!name) {
      history.notes.push_back(fmt::format(
          "{}: not a Flyway SQL migration (V<version>__<description>.sql), left out", file.path));
      continue;
    }
    if (name->prefix == 'R') {
      history.notes.push_back(
          fmt::format("{}: a repeatable migration has no place in a chain of revisions, left out; "
                      "put its SQL in a new "
                      "revision when it changes",
                      file.path));
      continue;
    }
    problems.check_no_markers(file.path, file.content);
    auto key = parts_of(name->version);
    if (name->prefix == 'U') {
      if (undo.count(key))
        problems.add(file.path, 0,
                     fmt::format("version {} has a second undo file (also {})", name->version,
                                 undo[key]->path));
      undo[key] = &file;
      continue;
    }
    if (versioned.count(key)) {
      problems.add(
          file.path, 0,
          fmt::format("version {} appears twice (also {})", name->version, versioned[key].source));
      continue;
    }
    ImportedRevision revision;
    revision.id = name->version;
    revision.message = name->description;
    revision.source = file.path;
    revision.up = file.content;
    auto conf = confs.find(file.path);
    auto in_transaction = conf == confs.end()
                              ? std::nullopt
                              : boolean_setting(conf->second->content, "executeInTransaction");
    // Flyway itself runs a script holding a statement that cannot be in a
    // transaction (CREATE INDEX CONCURRENTLY, ...) outside one.
    revision.transaction = in_transaction ? (*in_transaction ? Transaction::on : Transaction::off)
                                          : transaction_needed(file.content);
    versioned[key] = std::move(revision);
  }
  for (const auto& [key, file] : undo) {
    if (!versioned.count(key)) {
      problems.add(file->path, 0, "an undo file whose version has no versioned migration");
      continue;
    }
    versioned[key].down = file->content;
    versioned[key].source += ", " + file->path;
  }
  problems.throw_if_any();
  for (auto& [key, revision] : versioned) history.revisions.push_back(std::move(revision));
  link_as_chain(history.revisions);
  return history;
}

}  // namespace migrate::core
