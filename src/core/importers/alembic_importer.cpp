#include "core/importers/alembic_importer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace migrate::core {

namespace {

// The quoted strings of a Python value: None, 'a', ("a", "b"), ['a'].
std::vector<std::string> quoted_strings(const std::string& value) {
  std::vector<std::string> strings;
  for (size_t pos = 0; pos < value.size(); ++pos) {
    char quote = value[pos];
    if (quote != '\'' && quote != '"') continue;
    size_t end = value.find(quote, pos + 1);
    if (end == std::string::npos) break;
    strings.push_back(value.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  return strings;
}

// `name = value` or `name: Type = value` at the start of a line; nullopt when absent.
std::optional<std::string> assignment(const std::string& line, const std::string& name) {
  if (line.compare(0, name.size(), name) != 0 || line.size() == name.size()) return std::nullopt;
  char next = line[name.size()];
  if (next != ' ' && next != '=' && next != ':') return std::nullopt;
  size_t equals = line.find('=', name.size());
  if (equals == std::string::npos) return std::nullopt;
  return trimmed(line.substr(equals + 1));
}

struct Section {
  std::vector<std::string> to;  // the revisions the section applies (or reverts)
  std::string sql;
};

// Alembic's offline script split at its `-- Running upgrade|downgrade X -> Y` comments.
std::vector<Section> sections_of(const std::string& script, const std::string& verb) {
  std::vector<Section> sections;
  const std::string marker = "-- Running " + verb + " ";
  for (size_t pos = 0; pos < script.size();) {
    size_t end = script.find('\n', pos);
    size_t next = end == std::string::npos ? script.size() : end + 1;
    std::string line = script.substr(pos, next - pos);
    pos = next;
    if (line.compare(0, marker.size(), marker) == 0) {
      size_t arrow = line.find(" -> ");
      std::string from = trimmed(
          line.substr(marker.size(), arrow == std::string::npos ? 0 : arrow - marker.size()));
      std::string to = arrow == std::string::npos ? "" : trimmed(line.substr(arrow + 4));
      Section section;
      // An upgrade names the revision it applies after the arrow; a downgrade before it.
      std::string ids = verb == "upgrade" ? to : from;
      for (size_t start = 0; start < ids.size();) {
        size_t comma = std::min(ids.find(',', start), ids.size());
        std::string one = trimmed(ids.substr(start, comma - start));
        if (!one.empty()) section.to.push_back(one);
        start = comma + 1;
      }
      sections.push_back(std::move(section));
      continue;
    }
    if (sections.empty()) continue;  // Alembic's preamble: BEGIN, its version table
    std::string bare = trimmed(line);
    while (!bare.empty() && bare.back() == '\n') bare.pop_back();
    if (bare == "BEGIN;" || bare == "COMMIT;") continue;
    sections.back().sql += line;
  }
  return sections;
}

// Drops Alembic's bookkeeping statements (the version row, its table) from a section.
std::string without_bookkeeping(const std::string& sql) {
  std::string kept;
  bool skipping = false;
  for (size_t pos = 0; pos < sql.size();) {
    size_t end = sql.find('\n', pos);
    size_t next = end == std::string::npos ? sql.size() : end + 1;
    std::string line = sql.substr(pos, next - pos);
    pos = next;
    std::string bare = trimmed(line.substr(0, line.find('\n')));
    if (!skipping && (bare.rfind("INSERT INTO alembic_version", 0) == 0 ||
                      bare.rfind("UPDATE alembic_version", 0) == 0 ||
                      bare.rfind("DELETE FROM alembic_version", 0) == 0 ||
                      bare.rfind("DROP TABLE alembic_version", 0) == 0))
      skipping = true;
    if (skipping) {
      if (!bare.empty() && bare.back() == ';') skipping = false;
      continue;
    }
    kept += line;
  }
  // The blank lines Alembic leaves around statements, trimmed at both ends.
  size_t begin = kept.find_first_not_of('\n');
  if (begin == std::string::npos) return {};
  size_t last = kept.find_last_not_of('\n');
  return kept.substr(begin, last - begin + 1) + "\n";
}

}  // namespace

ImportedHistory alembic_graph(const std::vector<SourceFile>& files) {
  ImportedHistory history;
  ImportProblems problems;
  std::map<std::string, std::string> seen;
  for (const auto& file : files) {
    bool in_versions =
        file.path.rfind("versions/", 0) == 0 || file.path.find("/versions/") != std::string::npos;
    if (!in_versions || !ends_with(file.path, ".py") ||
        file.path.find("__pycache__") != std::string::npos)
      continue;
    ImportedRevision revision;
    revision.source = file.path;
    bool has_revision = false, has_down = false;
    int line_number = 0;
    for (size_t pos = 0; pos < file.content.size();) {
      size_t end = std::min(file.content.find('\n', pos), file.content.size());
      std::string line = file.content.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (revision.message.empty() && line_number == 1 && line.rfind("\"\"\"", 0) == 0)
        revision.message = trimmed(line.substr(3, line.find("\"\"\"", 3) == std::string::npos
                                                      ? std::string::npos
                                                      : line.find("\"\"\"", 3) - 3));
      if (auto value = assignment(line, "revision")) {
        auto ids = quoted_strings(*value);
        if (ids.size() == 1) revision.id = ids.front();
        has_revision = ids.size() == 1;
      } else if (auto value = assignment(line, "down_revision")) {
        revision.parents = quoted_strings(*value);
        has_down = true;
      } else if (auto value = assignment(line, "depends_on")) {
        if (!quoted_strings(*value).empty())
          problems.add(
              file.path, line_number,
              "depends_on has no equivalent in migrate's parents; list it in down_revision");
      }
      for (const char* code :
           {"get_bind(", "Session(", ".fetch", "execute(text(\"SELECT", "execute(sa.text(\"SELECT"})
        if (line.find(code) != std::string::npos)
          problems.add(
              file.path, line_number,
              fmt::format(
                  "the migration reads from the database ({}): Alembic's offline mode cannot show "
                  "what it runs; write its SQL by hand",
                  code));
    }
    if (!has_revision || !has_down) {
      problems.add(file.path, 0,
                   "not an Alembic revision (no `revision = ...` and `down_revision = ...`)");
      continue;
    }
    if (seen.count(revision.id)) {
      problems.add(
          file.path, 0,
          fmt::format("revision {} appears twice (also {})", revision.id, seen[revision.id]));
      continue;
    }
    seen[revision.id] = file.path;
    if (revision.message.empty()) revision.message = revision.id;
    history.revisions.push_back(std::move(revision));
  }
  problems.throw_if_any();
  return history;
}

void fill_alembic_sql(ImportedHistory& history, const std::string& upgrade_sql,
                      const std::string& downgrade_sql) {
  std::map<std::string, ImportedRevision*> by_id;
  for (auto& revision : history.revisions) by_id[revision.id] = &revision;
  std::vector<std::string> order;
  for (const auto& section : sections_of(upgrade_sql, "upgrade")) {
    if (section.to.size() != 1 || !by_id.count(section.to.front())) continue;
    ImportedRevision& revision = *by_id[section.to.front()];
    revision.up = without_bookkeeping(section.sql);
    revision.transaction = transaction_needed(revision.up);
    order.push_back(revision.id);
  }
  for (const auto& section : sections_of(downgrade_sql, "downgrade")) {
    if (section.to.size() != 1 || !by_id.count(section.to.front())) continue;
    by_id[section.to.front()]->down = without_bookkeeping(section.sql);
  }
  if (order.size() != history.revisions.size()) {
    ImportProblems problems;
    for (const auto& revision : history.revisions)
      if (std::find(order.begin(), order.end(), revision.id) == order.end())
        problems.add(revision.source, 0, "Alembic's offline mode printed no SQL for this revision");
    problems.throw_if_any();
  }
  // Parents first, in the order Alembic runs them.
  std::vector<ImportedRevision> ordered;
  for (const auto& id : order) ordered.push_back(std::move(*by_id[id]));
  history.revisions = std::move(ordered);
}

}  // namespace migrate::core
