// What a command is given: the configuration the command line resolved, and
// the seams it works through (the revision files, a database factory, the
// reporter, the results sink, a prompt, the clock). cli/ fills it in and is
// the one place that knows pg/ and the process environment; commands see only
// these seams.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "core/checks/release_compatibility.hpp"
#include "core/revisions/revision_graph.hpp"
#include "engine/clock.hpp"
#include "engine/database.hpp"
#include "engine/reporter.hpp"
#include "report/style.hpp"

namespace migrate::commands {

// The configuration of one run: flags, then the environment, then migrate.yaml.
struct Settings {
  std::string command;  // "upgrade", "lock status", ...
  std::string dir;      // the migrations directory
  std::string schema;   // migrate's state schema
  bool json = false;
  bool verbose = false;          // -v: more detail
  bool database_given = false;   // named by flag, DATABASE_URL or migrate.yaml
  std::string database_display;  // the target without any password
  std::string host;              // this machine, for the lock holder row
  std::string ci_job;            // the CI job from the usual variables, or ""
};

// Asks the person at the terminal.
class Prompt {
 public:
  virtual ~Prompt() = default;
  // False when there is nobody to ask (stdin is not a terminal).
  virtual bool interactive() const = 0;
  // Shows `question` and reads the answer; true for y or yes.
  virtual bool confirm(const std::string& question) = 0;
};

class Environment {
 public:
  struct Seams {
    std::function<core::RevisionGraph()> load_graph;  // reads and validates the files
    // Another release's files: a directory, or git:REF:PATH.
    std::function<core::Release(const std::string& spec)> load_release;
    std::function<std::unique_ptr<engine::Database>()> connect;  // a new connection
    std::function<std::string(const std::string& flag)>
        source;  // --source, else MIGRATE_SOURCE, else git describe
    engine::Reporter& reporter;
    std::ostream& out;  // results: stdout
    report::Style out_style;
    Prompt& prompt;
    engine::Clock& clock;
    // pg_dump --schema-only of the database, without schema `exclude`.
    std::function<std::string(const std::string& exclude)> dump_schema = {};
    // A new connection to one database of a fleet run (`--targets`), whose
    // migrate state lives in `schema`. Safe to call from several threads.
    std::function<std::unique_ptr<engine::Database>(const std::string& connection,
                                                    const std::string& schema)>
        connect_to = {};
    // The graph of summaries (no content, sections or operations), from the
    // cache of parsed files where it is up to date; unset: load_graph.
    std::function<core::RevisionGraph()> load_summary_graph = {};
  };

  Environment(Settings settings, Seams seams)
      : m_settings(std::move(settings)), m_seams(std::move(seams)) {}

  const Settings& settings() const { return m_settings; }
  const std::string& command() const { return m_settings.command; }
  const std::string& dir() const { return m_settings.dir; }
  const std::string& schema() const { return m_settings.schema; }
  bool json() const { return m_settings.json; }
  bool verbose() const { return m_settings.verbose; }
  bool database_given() const { return m_settings.database_given; }
  const std::string& database_display() const { return m_settings.database_display; }

  // Throws InvalidFilesError for any problem in the directory. Warns about
  // each draft (a revision that runs nothing yet), which only the commands
  // that would apply it refuse; those load with Drafts::later and call
  // warn_drafts once they have refused the drafts they would apply.
  enum class Drafts { warn, later };
  core::RevisionGraph load_graph(Drafts drafts = Drafts::warn) const;
  // The same graph of summaries only (Revision::summary_only: no content,
  // sections or operations), for commands that run and print no SQL.
  core::RevisionGraph load_summary_graph() const;
  void warn_drafts(const core::RevisionGraph& graph) const;
  // Throws a usage Error when the release cannot be read, InvalidFilesError
  // for invalid files in it.
  core::Release load_release(const std::string& spec) const { return m_seams.load_release(spec); }
  // Throws Error(runtime) when the database cannot be reached.
  std::unique_ptr<engine::Database> connect() const { return m_seams.connect(); }
  // Throws Error(runtime) when the database cannot be reached.
  std::unique_ptr<engine::Database> connect_to(const std::string& connection,
                                               const std::string& schema) const {
    return m_seams.connect_to(connection, schema);
  }
  std::string source(const std::string& flag) const { return m_seams.source(flag); }
  const Seams& seams() const { return m_seams; }
  engine::Reporter& reporter() const { return m_seams.reporter; }
  std::ostream& out() const { return m_seams.out; }
  const report::Style& out_style() const { return m_seams.out_style; }
  Prompt& prompt() const { return m_seams.prompt; }
  engine::Clock& clock() const { return m_seams.clock; }
  // Throws Error(usage) when the environment cannot dump (no pg_dump).
  std::string dump_schema(const std::string& exclude) const;

 private:
  Settings m_settings;
  Seams m_seams;
};

}  // namespace migrate::commands
