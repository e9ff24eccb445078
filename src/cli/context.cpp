#include "cli/context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/config_file.hpp"
#include "cli/libpq_connection.hpp"
#include "cli/signals.hpp"
#include "core/connection_string.hpp"
#include "core/revisions/revision_loader.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::cli {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string first_of(std::initializer_list<std::string> values) {
  for (const auto& value : values)
    if (!value.empty()) return value;
  return {};
}

}  // namespace

Context::Context(GlobalOptions options, std::string command)
    : m_options(std::move(options)), m_command(std::move(command)), m_state("migrate") {
  FileConfig file =
      read_config_file(m_options.config, m_options.config_given ? ConfigRequired::yes : ConfigRequired::no);
  m_dir = first_of({m_options.dir, file.dir, "migrations"});
  m_schema = first_of({m_options.schema, file.schema, "migrate"});
  m_connection = first_of({m_options.database_url, env("DATABASE_URL"), file.database_url});
  m_database_given = !m_connection.empty();
  m_state = engine::StateSql(m_schema);
  m_out_style = report::Style::detect(stdout, !env("NO_COLOR").empty());
  report::Verbosity verbosity = m_options.quiet ? report::Verbosity::quiet
                                : m_options.verbose ? report::Verbosity::verbose
                                                    : report::Verbosity::normal;
  m_reporter = std::make_unique<report::TerminalReporter>(stderr, report::Style::detect(stderr, !env("NO_COLOR").empty()),
                                                          verbosity);
}

std::string Context::database_display() const {
  if (m_connection.empty()) {
    std::string target = first_of({env("PGDATABASE"), env("PGUSER"), env("USER")});
    return fmt::format("libpq defaults (PGHOST/PGDATABASE; database {})", target.empty() ? "?" : target);
  }
  return core::redact_connection_string(m_connection);
}

core::RevisionGraph Context::load_graph() const { return core::load_revisions(fs::read_migrations(m_dir)); }

std::unique_ptr<pg::PgDatabase> Context::connect() const {
  std::string connection = libpq_connection(m_connection, *m_reporter);
  // libpq's connect cannot be interrupted cleanly: a signal ends the process.
  ExitOnSignal exit_on_signal("interrupted while connecting to the database; nothing was changed",
                              json() ? JsonErrors::yes : JsonErrors::no);
  return std::make_unique<pg::PgDatabase>(connection, application_name(), m_state);
}

std::ostream& Context::out() const { return std::cout; }

std::string Context::host() const { return fs::host_name(); }

std::string Context::application_name() const {
  // application_name holds at most 63 bytes.
  return fmt::format("migrate {}@{}", m_command, host()).substr(0, 63);
}

std::string Context::ci_job() const {
  if (!env("GITHUB_RUN_ID").empty())
    return fmt::format("github {}{}", env("GITHUB_RUN_ID"),
                       env("GITHUB_JOB").empty() ? "" : "/" + env("GITHUB_JOB"));
  if (!env("CI_JOB_ID").empty()) return "gitlab " + env("CI_JOB_ID");
  if (!env("BUILD_NUMBER").empty()) return "jenkins " + first_of({env("BUILD_TAG"), env("BUILD_NUMBER")});
  if (!env("CIRCLE_BUILD_NUM").empty()) return "circleci " + env("CIRCLE_BUILD_NUM");
  if (!env("BUILDKITE_BUILD_ID").empty()) return "buildkite " + env("BUILDKITE_BUILD_ID");
  return {};
}

std::string Context::source(const std::string& flag) const {
  return first_of({flag, env("MIGRATE_SOURCE"), fs::git_describe(m_dir)});
}

bool Context::stdin_is_terminal() const { return isatty(STDIN_FILENO) == 1; }

}  // namespace migrate::cli
