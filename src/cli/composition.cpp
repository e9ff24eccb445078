#include "cli/composition.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "cli/config_file.hpp"
#include "cli/libpq_connection.hpp"
#include "cli/signals.hpp"
#include "core/connection_string.hpp"
#include "core/duration.hpp"
#include "core/identifier.hpp"
#include "core/revisions/revision_loader.hpp"
#include "engine/connect_wait.hpp"
#include "engine/lock_routed_database.hpp"
#include "fs/migrations_dir.hpp"
#include "fs/pg_dump.hpp"
#include "fs/release_files.hpp"
#include "fs/revision_cache.hpp"
#include "pg/pg_database.hpp"

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

// The CI job from the usual variables (GITHUB_RUN_ID, CI_JOB_ID, ...), or "".
std::string ci_job() {
  if (!env("GITHUB_RUN_ID").empty())
    return fmt::format("github {}{}", env("GITHUB_RUN_ID"),
                       env("GITHUB_JOB").empty() ? "" : "/" + env("GITHUB_JOB"));
  if (!env("CI_JOB_ID").empty()) return "gitlab " + env("CI_JOB_ID");
  if (!env("BUILD_NUMBER").empty())
    return "jenkins " + first_of({env("BUILD_TAG"), env("BUILD_NUMBER")});
  if (!env("CIRCLE_BUILD_NUM").empty()) return "circleci " + env("CIRCLE_BUILD_NUM");
  if (!env("BUILDKITE_BUILD_ID").empty()) return "buildkite " + env("BUILDKITE_BUILD_ID");
  return {};
}

// COLUMNS, for a terminal that does not say its width; 0 when unset or not a number.
int columns_from_environment() {
  std::string text = env("COLUMNS");
  char* end = nullptr;
  long columns = std::strtol(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0' && columns > 0 && columns < 10000 ? static_cast<int>(columns)
                                                                         : 0;
}

std::string database_display(const std::string& connection) {
  if (connection.empty()) {
    std::string target = first_of({env("PGDATABASE"), env("PGUSER"), env("USER")});
    return fmt::format("libpq defaults (PGHOST/PGDATABASE; database {})",
                       target.empty() ? "?" : target);
  }
  return core::redact_connection_string(connection);
}

}  // namespace

// Asks on stderr, reads the answer from stdin.
class Composition::TerminalPrompt : public commands::Prompt {
 public:
  bool interactive() const override { return isatty(STDIN_FILENO) == 1; }
  bool confirm(const std::string& question) override {
    std::cerr << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
  }
};

Composition::Composition(const GlobalOptions& options, std::string command, Output output)
    : m_output(output), m_state("migrate"), m_prompt(std::make_unique<TerminalPrompt>()) {
  FileConfig file = read_config_file(
      options.config, options.config_given ? ConfigRequired::yes : ConfigRequired::no);
  commands::Settings settings;
  settings.command = std::move(command);
  settings.dir = first_of({options.dir, file.dir, "migrations"});
  settings.schema = first_of({options.schema, file.schema, "migrate"});
  settings.json = options.json;
  settings.verbose = options.verbose;
  m_connection = first_of({options.database_url, env("DATABASE_URL"), file.database_url});
  m_lock_connection = first_of({options.lock_url, env("MIGRATE_LOCK_URL")});
  settings.database_given = !m_connection.empty();
  settings.database_display = database_display(m_connection);
  settings.host = fs::host_name();
  settings.ci_job = ci_job();
  m_state = engine::StateSql(settings.schema);

  report::ColorChoice color = report::Style::choice_named(options.color);
  report::TerminalEnvironment terminal{!env("NO_COLOR").empty(), env("TERM") == "dumb"};
  // Progress would describe work that only prints (`--sql`): keep stderr for errors.
  report::Verbosity verbosity = options.quiet || output == Output::script ? report::Verbosity::quiet
                                : options.verbose ? report::Verbosity::verbose
                                                  : report::Verbosity::normal;
  m_reporter = std::make_unique<report::TerminalReporter>(
      stderr, report::Style::detect(stderr, color, terminal), verbosity,
      columns_from_environment());

  // application_name holds at most 63 bytes.
  std::string application_name = fmt::format("migrate {}@{}", settings.command, settings.host)
                                     .substr(0, core::k_max_identifier_bytes);
  std::string dir = settings.dir;
  // `migrate wait` waits a minute unless --wait says otherwise, as dbmate's.
  std::string wait_text = options.wait.empty() && settings.command == "wait" ? "60s" : options.wait;
  std::chrono::milliseconds wait =
      wait_text.empty() ? std::chrono::milliseconds(0) : core::parse_duration(wait_text, "--wait");
  commands::Environment::Seams seams{
      [dir] { return core::load_revisions(fs::read_migrations(dir)); },
      [dir](const std::string& spec) { return fs::read_release(spec, dir); },
      [this, application_name, wait, json = settings.json]() -> std::unique_ptr<engine::Database> {
        std::string connection = libpq_connection(m_connection, *m_reporter);
        // libpq's connect cannot be interrupted cleanly: a signal ends the process.
        ExitOnSignal exit_on_signal(
            "interrupted while connecting to the database; nothing was changed",
            json ? JsonErrors::yes : JsonErrors::no);
        auto main = engine::connect_waiting(
            [&]() -> std::unique_ptr<engine::Database> {
              return std::make_unique<pg::PgDatabase>(connection, application_name, m_state);
            },
            m_clock, *m_reporter, wait);
        if (m_lock_connection.empty()) return main;
        // The lock's own connection, named so that `lock status` tells it apart.
        std::string lock_name =
            (application_name.substr(0, core::k_max_identifier_bytes - 7) + " (lock)");
        std::unique_ptr<pg::PgDatabase> lock;
        try {
          lock = std::make_unique<pg::PgDatabase>(libpq_connection(m_lock_connection, *m_reporter),
                                                  lock_name, m_state);
        } catch (const Error& error) {
          throw Error(error.code(), std::string("--lock-url: ") + error.what(), error.hint());
        }
        return std::make_unique<engine::LockRoutedDatabase>(std::move(main), std::move(lock));
      },
      [dir](const std::string& flag) {
        return first_of({flag, env("MIGRATE_SOURCE"), fs::git_describe(dir)});
      },
      *m_reporter,
      output == Output::script ? static_cast<std::ostream&>(m_script) : std::cout,
      report::Style::detect(stdout, color, terminal),
      *m_prompt,
      m_clock,
      [this](const std::string& exclude) {
        return fs::pg_dump_schema(libpq_connection(m_connection, *m_reporter), exclude);
      },
      [this, application_name](const std::string& url,
                               const std::string& schema) -> std::unique_ptr<engine::Database> {
        std::string connection;
        const engine::StateSql* state = nullptr;
        {
          // Fleet targets connect from several threads; the reporter and the
          // map of state schemas are shared.
          std::lock_guard<std::mutex> lock(m_fleet_mutex);
          connection = libpq_connection(url, *m_reporter);
          state = &m_fleet_states.try_emplace(schema, schema).first->second;
        }
        // No ExitOnSignal here: other targets may be mid-revision, and a signal
        // must let them finish; connect_timeout bounds this wait.
        return std::make_unique<pg::PgDatabase>(connection, application_name, *state);
      },
      [this, dir, verbose = settings.verbose,
       cache_dir = options.no_cache ? std::string()
                                    : fs::cache_dir_from(env("MIGRATE_CACHE_DIR"),
                                                         env("XDG_CACHE_HOME"), env("HOME"))] {
        fs::SummaryLoad load = fs::load_revision_summaries(dir, cache_dir);
        if (verbose)
          m_reporter->info(cache_dir.empty()
                               ? fmt::format("read {} revision files (--no-cache)", load.files)
                               : fmt::format("read {} revision files, {} of them from the cache {}",
                                             load.files, load.from_cache, load.cache_path));
        if (verbose && !load.cache_note.empty()) m_reporter->info(load.cache_note);
        return std::move(load.graph);
      }};
  m_environment = std::make_unique<commands::Environment>(std::move(settings), std::move(seams));
}

Composition::~Composition() = default;

void Composition::finish() {
  if (m_output == Output::script) std::cout << m_script.str() << std::flush;
}

}  // namespace migrate::cli
