// The shared part of the importers: another tool's migrations turned into
// migrate revisions (ids that are the tool's versions, up and down text kept
// byte for byte), rendered as SQL revision files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

enum class ImportTool { dbmate, golang_migrate, diesel, flyway, sqitch, alembic };

// "dbmate", "golang-migrate", ...; nullopt for an unknown name.
std::optional<ImportTool> import_tool_from(const std::string& key);
const char* to_string(ImportTool tool);
// The names accepted by --from, comma-separated, for messages.
std::string import_tool_names();

enum class Transaction { on, off };

struct ImportedRevision {
  std::string id;  // the tool's version, so its state table maps one to one
  std::vector<std::string> parents;
  std::string message;
  Transaction transaction = Transaction::on;
  std::string up;
  std::optional<std::string> down;  // nullopt: the tool has none
  std::string source;               // the file (or files) it comes from, for the header comment
};

struct ImportedHistory {
  std::vector<ImportedRevision> revisions;  // parents first
  std::vector<std::string> notes;           // what was left out, one line each
};

// The text of a revision file: header, `-- migrate:up` and the tool's up text
// as it was, then `-- migrate:down` and its down text when there is one.
std::string render_imported(const ImportedRevision& revision, ImportTool tool);

// Problems that make a history impossible to import faithfully, collected
// per file as the loader does; thrown together (exit 2).
class ImportProblems {
 public:
  void add(std::string path, int line, std::string message);
  bool empty() const { return m_problems.empty(); }
  // Throws Error(usage) listing every problem as InvalidFilesError does, when any was added.
  void throw_if_any() const;
  // Refuses a line of `text` that migrate would read as its own marker.
  void check_no_markers(const std::string& path, const std::string& text, int first_line = 1);

 private:
  std::vector<FileProblem> m_problems;
};

// Off when the script handles its own transactions (BEGIN/COMMIT) or holds a
// statement that cannot run inside one (CREATE INDEX CONCURRENTLY, VACUUM,
// ...), so migrate runs it statement by statement as psql would.
Transaction transaction_needed(const std::string& sql);

// `key = true|false` on a line of a settings file (TOML, Java properties;
// blanks free, `#` starts a comment); nullopt when absent.
std::optional<bool> boolean_setting(const std::string& text, const std::string& key);
// Without leading and trailing blanks (spaces, tabs, CR, LF).
std::string trimmed(const std::string& text);
bool ends_with(const std::string& text, const std::string& suffix);
// A file name's part after the version, as words: "create_users" -> "create users".
std::string words_of(const std::string& name);
// Files below the source directory whose relative path starts with `prefix`.
std::vector<const SourceFile*> files_under(const std::vector<SourceFile>& files,
                                           const std::string& prefix);

// A chain: each revision's parent is the one before it.
void link_as_chain(std::vector<ImportedRevision>& revisions);

// The history of any tool but Alembic (whose SQL comes from Alembic itself).
// Throws Error(usage) naming each file that cannot be imported faithfully.
ImportedHistory import_history(ImportTool tool, const std::vector<SourceFile>& files);
// The revision files, named `<dir>/<id>_<message words>.sql`.
std::vector<SourceFile> render_history(const ImportedHistory& history, ImportTool tool,
                                       const std::string& dir);

// One function per tool; `files` hold paths relative to the source directory.
ImportedHistory import_dbmate(const std::vector<SourceFile>& files);
ImportedHistory import_golang_migrate(const std::vector<SourceFile>& files);
ImportedHistory import_diesel(const std::vector<SourceFile>& files);
ImportedHistory import_flyway(const std::vector<SourceFile>& files);
ImportedHistory import_sqitch(const std::vector<SourceFile>& files);

}  // namespace migrate::core
