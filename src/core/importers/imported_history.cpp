#include "core/importers/imported_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/revisions/revision_template.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

struct ToolName {
  ImportTool tool;
  const char* key;
};
const ToolName k_tools[] = {
    {ImportTool::dbmate, "dbmate"}, {ImportTool::golang_migrate, "golang-migrate"},
    {ImportTool::diesel, "diesel"}, {ImportTool::flyway, "flyway"},
    {ImportTool::sqitch, "sqitch"}, {ImportTool::alembic, "alembic"}};

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool starts_with_word(const std::string& statement, const char* word) {
  std::string head = lower(statement.substr(0, 40));
  size_t length = std::char_traits<char>::length(word);
  return head.compare(0, length, word) == 0 &&
         (head.size() == length || !std::isalnum(static_cast<unsigned char>(head[length])));
}

}  // namespace

std::optional<ImportTool> import_tool_from(const std::string& key) {
  for (const auto& entry : k_tools)
    if (key == entry.key) return entry.tool;
  return std::nullopt;
}

const char* to_string(ImportTool tool) {
  for (const auto& entry : k_tools)
    if (entry.tool == tool) return entry.key;
  return "?";
}

std::string import_tool_names() {
  std::vector<std::string> names;
  for (const auto& entry : k_tools) names.push_back(entry.key);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string render_imported(const ImportedRevision& revision, ImportTool tool) {
  std::string text =
      fmt::format("-- migrate:revision {}\n-- migrate:parents {}\n-- migrate:message {}\n",
                  revision.id, fmt::join(revision.parents, " "), revision.message);
  if (revision.transaction == Transaction::off) text += "-- migrate:transaction off\n";
  text +=
      fmt::format("-- imported from {}: {}\n\n-- migrate:up\n", to_string(tool), revision.source);
  auto section = [&text](const std::string& body) {
    text += body;
    if (!body.empty() && body.back() != '\n') text += '\n';
  };
  section(revision.up);
  if (revision.down) {
    text += "-- migrate:down\n";
    section(*revision.down);
  }
  return text;
}

ImportedHistory import_history(ImportTool tool, const std::vector<SourceFile>& files) {
  switch (tool) {
    case ImportTool::dbmate:
      return import_dbmate(files);
    case ImportTool::golang_migrate:
      return import_golang_migrate(files);
    case ImportTool::diesel:
      return import_diesel(files);
    case ImportTool::flyway:
      return import_flyway(files);
    case ImportTool::sqitch:
      return import_sqitch(files);
    case ImportTool::alembic:
      break;
  }
  throw std::logic_error("import_history: Alembic histories are read with Alembic's offline mode");
}

std::vector<SourceFile> render_history(const ImportedHistory& history, ImportTool tool,
                                       const std::string& dir) {
  std::vector<SourceFile> files;
  for (const auto& revision : history.revisions)
    files.push_back(
        {dir + "/" + revision_file_name(revision.id, revision.message, RevisionFormat::sql),
         render_imported(revision, tool)});
  return files;
}

void ImportProblems::add(std::string path, int line, std::string message) {
  m_problems.push_back({std::move(path), line, std::move(message)});
}

void ImportProblems::throw_if_any() const {
  if (!m_problems.empty())
    throw Error(ExitCode::usage, InvalidFilesError(m_problems).what(),
                "nothing was written; these files cannot be imported as they are: change them in "
                "the source "
                "history, or leave them out and write their revisions by hand");
}

void ImportProblems::check_no_markers(const std::string& path, const std::string& text,
                                      int first_line) {
  int line = first_line;
  for (size_t pos = 0; pos < text.size(); ++line) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string content = text.substr(pos, end - pos);
    size_t begin = content.find_first_not_of(" \t");
    if (begin != std::string::npos && content.compare(begin, 11, "-- migrate:") == 0)
      add(path, line,
          "a line starting with '-- migrate:' would be read as a migrate marker; reword that "
          "comment");
    pos = end + 1;
  }
}

Transaction transaction_needed(const std::string& sql) {
  std::vector<SqlStatement> statements;
  try {
    statements = split_statements(sql);
  } catch (const std::runtime_error&) {
    return Transaction::on;  // lint reports the syntax error with its line
  }
  for (const auto& statement : statements) {
    const std::string& text = statement.sql;
    std::string head = lower(text.substr(0, 200));
    if (starts_with_word(text, "begin") || starts_with_word(text, "commit") ||
        starts_with_word(text, "start") || starts_with_word(text, "rollback") ||
        starts_with_word(text, "vacuum") || starts_with_word(text, "alter system") ||
        starts_with_word(text, "create database") || starts_with_word(text, "drop database") ||
        ((starts_with_word(text, "create") || starts_with_word(text, "drop") ||
          starts_with_word(text, "reindex") || starts_with_word(text, "refresh")) &&
         head.find(" concurrently") != std::string::npos))
      return Transaction::off;
  }
  return Transaction::on;
}

std::optional<bool> boolean_setting(const std::string& text, const std::string& key) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    line = line.substr(0, line.find('#'));
    line.erase(std::remove_if(line.begin(), line.end(),
                              [](char c) { return c == ' ' || c == '\t' || c == '\r'; }),
               line.end());
    if (line == key + "=false") return false;
    if (line == key + "=true") return true;
  }
  return std::nullopt;
}

std::string trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string words_of(const std::string& name) {
  std::string words = name;
  std::replace(words.begin(), words.end(), '_', ' ');
  std::replace(words.begin(), words.end(), '-', ' ');
  return words;
}

std::vector<const SourceFile*> files_under(const std::vector<SourceFile>& files,
                                           const std::string& prefix) {
  std::vector<const SourceFile*> found;
  for (const auto& file : files)
    if (file.path.compare(0, prefix.size(), prefix) == 0) found.push_back(&file);
  return found;
}

void link_as_chain(std::vector<ImportedRevision>& revisions) {
  for (size_t i = 1; i < revisions.size(); ++i) revisions[i].parents = {revisions[i - 1].id};
}

}  // namespace migrate::core
