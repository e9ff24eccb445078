// What every command needs: the resolved configuration (flags, then the
// environment, then migrate.yaml), the revision graph, database connections,
// the reporter and the output streams. The only place that reads the environment.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "core/revisions/revision_graph.hpp"
#include "engine/state_sql.hpp"
#include "pg/pg_database.hpp"
#include "report/terminal_reporter.hpp"

namespace migrate::cli {

struct GlobalOptions {
  std::string dir;
  std::string database_url;
  std::string schema;
  std::string config = "migrate.yaml";
  bool config_given = false;  // --config named it: it must exist
  bool json = false;
  bool verbose = false;
  bool quiet = false;
};

class Context {
 public:
  Context(GlobalOptions options, std::string command);

  const std::string& command() const { return m_command; }
  const std::string& dir() const { return m_dir; }
  const std::string& schema() const { return m_schema; }
  bool json() const { return m_options.json; }
  // True when a database was named by flag, DATABASE_URL or migrate.yaml.
  bool database_given() const { return m_database_given; }
  // The connection target without any password, for messages.
  std::string database_display() const;

  // Reads and validates the migrations directory (throws InvalidFilesError).
  core::RevisionGraph load_graph() const;
  std::unique_ptr<pg::PgDatabase> connect() const;
  const engine::StateSql& state_sql() const { return m_state; }

  engine::Reporter& reporter() { return *m_reporter; }
  // Progress would describe work that only prints (`--sql`): keep stderr for errors.
  void silence_progress() { m_reporter->set_verbosity(report::Verbosity::quiet); }
  const report::Style& out_style() const { return m_out_style; }
  std::ostream& out() const;

  // "migrate upgrade@host", for application_name and the holder row.
  std::string application_name() const;
  std::string host() const;
  // The CI job from the usual variables (GITHUB_RUN_ID, CI_JOB_ID, ...), or "".
  std::string ci_job() const;
  // --source, else MIGRATE_SOURCE, else git describe of the migrations directory.
  std::string source(const std::string& flag) const;
  bool stdin_is_terminal() const;

 private:
  GlobalOptions m_options;
  std::string m_command;
  std::string m_dir;
  std::string m_schema;
  std::string m_connection;
  bool m_database_given = false;
  engine::StateSql m_state;
  report::Style m_out_style;
  std::unique_ptr<report::TerminalReporter> m_reporter;
};

}  // namespace migrate::cli
