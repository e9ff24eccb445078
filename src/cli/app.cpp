#include "cli/app.hpp"

#include "commands/commands.hpp"
#include "version.hpp"

namespace migrate::cli {

using namespace migrate::commands;

struct App::Options {
  GlobalOptions global;
  UpgradeOptions upgrade;
  DowngradeOptions downgrade;
  ContractOptions contract;
  StampOptions stamp;
  ImportOptions import;
  NewOptions new_revision;
  ShowOptions show;
  ResolveBranchOptions resolve;
  LockClearOptions lock_clear;
};

namespace {

// Options of every command that changes the database.
void add_lock_options(CLI::App* command, RunOptions& run) {
  command
      ->add_option(
          "--lock-wait", run.lock_wait,
          "How long to wait for the migration lock before giving up with exit 5 (e.g. 30s, 5m)")
      ->capture_default_str();
  command->add_flag("--ignore-unknown", run.ignore_unknown,
                    "Proceed although the database holds revisions the files do not know "
                    "(recorded; emergencies only)");
  command->add_flag("--allow-existing-schema", run.allow_existing_schema,
                    "Run on a database that holds tables or another tool's history but no migrate "
                    "state (recorded)");
  command->add_flag("--sql", run.sql, "Print the SQL that would run, touching nothing");
}

// Options of the commands that run revisions (upgrade, downgrade, contract).
void add_execution_options(CLI::App* command, RunOptions& run) {
  add_lock_options(command, run);
  command
      ->add_option(
          "--lock-timeout", run.lock_timeout,
          "lock_timeout for each DDL step: the longest the application can queue behind it")
      ->capture_default_str();
  command
      ->add_option("--retries", run.retries, "Retries of a step that could not get its table lock")
      ->capture_default_str();
  command
      ->add_option("--retry-deadline", run.retry_deadline,
                   "Give up retrying a step after this long")
      ->capture_default_str();
  command
      ->add_option("--statement-timeout", run.statement_timeout,
                   "statement_timeout for each statement (0: none; a revision's own setting wins)")
      ->capture_default_str();
  command->add_option("--terminate-blockers-after", run.terminate_blockers_after,
                      "Terminate sessions idle in transaction for longer than this that block a "
                      "step (off by default)");
  command->add_option("--batch-size", run.batch_size, "Rows per backfill batch")
      ->capture_default_str();
  command->add_option("--batch-pause", run.batch_pause, "Pause between backfill batches")
      ->capture_default_str();
  command->add_flag(
      "--resume", run.resume,
      "Re-run the statement an interrupted non-transactional revision stopped at, then continue");
  command->add_flag("--skip-interrupted", run.skip_interrupted,
                    "Take the interrupted statement as done and continue after it");
}

// Where the files come from, recorded with each revision applied or stamped.
void add_source_option(CLI::App* command, RunOptions& run) {
  command->add_option("--source", run.source,
                      "Where these files come from, recorded with each revision (default: "
                      "MIGRATE_SOURCE or git describe)");
}

}  // namespace

App::App()
    : m_app("migrate: safe PostgreSQL schema migrations under live traffic", "migrate"),
      m_options(std::make_shared<Options>()) {
  Options& o = *m_options;
  m_app.set_version_flag("--version", std::string("migrate ") + k_version);
  m_app.require_subcommand(1);
  // Global options also work after the subcommand.
  m_app.fallthrough();
  m_app.footer(
      "Exit codes: 0 success, 1 runtime failure, 2 usage or invalid files, 3 unknown revisions in "
      "the database,\n"
      "4 several heads and no target, 5 lock not acquired, 6 applied file changed, 7 lint error,\n"
      "8 a schema or another tool's history migrate did not write (adopt it: import, stamp), 130 "
      "interrupted.\n"
      "Docs: docs/ in the source tree, or `man migrate`.");
  m_app.add_option("--dir", o.global.dir,
                   "Migrations directory (default: migrations, or dir in migrate.yaml)");
  m_app.add_option(
      "--database-url", o.global.database_url,
      "libpq URI or keyword string (default: DATABASE_URL, then migrate.yaml, then PG* variables)");
  m_app.add_option(
      "--lock-url", o.global.lock_url,
      "A direct connection (no pooler) that holds the migration lock while the "
      "database URL runs the revisions (default: MIGRATE_LOCK_URL; see docs/locks.md)");
  m_app.add_option("--schema", o.global.schema,
                   "Schema holding migrate's state (default: migrate)");
  m_app.add_option("--config", o.global.config, "Configuration file")->capture_default_str();
  m_app.add_flag("--json", o.global.json, "Machine-readable output on stdout");
  m_app.add_flag("-v,--verbose", o.global.verbose, "More detail on stderr");
  m_app.add_flag("-q,--quiet", o.global.quiet, "Only errors on stderr");

  using Action = std::function<int(commands::Environment&)>;
  auto bind = [this](CLI::App* command, std::string name, Action action,
                     const bool* prints_sql = nullptr) {
    command->callback([this, name = std::move(name), action = std::move(action), prints_sql] {
      m_command = name;
      m_action = action;
      m_prints_sql = prints_sql;
    });
  };

  auto* init =
      m_app.add_subcommand("init", "Create the migrations directory and a commented migrate.yaml");
  bind(init, "init", [](commands::Environment& c) { return run_init(c); });

  auto* create =
      m_app.add_subcommand("new", "Write a new revision file whose parents are the current heads");
  create->add_option("-m,--message", o.new_revision.message, "What the revision does")->required();
  auto* sql_format = create->add_flag("--sql", "Write an SQL revision (default)");
  create
      ->add_flag("--yaml", o.new_revision.yaml, "Write a YAML revision with declarative operations")
      ->excludes(sql_format);
  bind(create, "new", [&o](commands::Environment& c) { return run_new(c, o.new_revision); });

  auto* upgrade =
      m_app.add_subcommand("upgrade", "Apply pending revisions (the expand phase) up to TARGET");
  upgrade->add_option("target", o.upgrade.target,
                      "head (default), heads, a revision id or prefix, or +N");
  add_execution_options(upgrade, o.upgrade.run);
  add_source_option(upgrade, o.upgrade.run);
  bind(
      upgrade, "upgrade", [&o](commands::Environment& c) { return run_upgrade(c, o.upgrade); },
      &o.upgrade.run.sql);

  auto* downgrade = m_app.add_subcommand("downgrade", "Undo applied revisions down to TARGET");
  downgrade->add_option("target", o.downgrade.target, "A revision id or prefix (kept), base, or -N")
      ->required();
  add_execution_options(downgrade, o.downgrade.run);
  bind(
      downgrade, "downgrade",
      [&o](commands::Environment& c) { return run_downgrade(c, o.downgrade); },
      &o.downgrade.run.sql);

  auto* contract = m_app.add_subcommand(
      "contract", "Run the contract phase of expanded revisions, oldest first");
  contract->add_option("target", o.contract.target,
                       "Contract up to this revision (default: all expanded)");
  add_execution_options(contract, o.contract.run);
  bind(
      contract, "contract", [&o](commands::Environment& c) { return run_contract(c, o.contract); },
      &o.contract.run.sql);

  auto* stamp =
      m_app.add_subcommand("stamp", "Record revisions as applied (or not) without running them");
  stamp->add_option("target", o.stamp.target, "head, heads, base, or a revision id or prefix");
  stamp->add_option("--from-state", o.stamp.from_state,
                    "Record what this tool's state table says is applied (dbmate, golang-migrate, "
                    "diesel, flyway, "
                    "sqitch, alembic), after `migrate import`");
  stamp->add_option(
      "--update-checksum", o.stamp.update_checksum,
      "Accept the changed file of this applied revision (recorded); repeat for several");
  stamp->add_flag("-y,--yes", o.stamp.yes, "Forget applied revisions without asking");
  add_lock_options(stamp, o.stamp.run);
  add_source_option(stamp, o.stamp.run);
  bind(
      stamp, "stamp", [&o](commands::Environment& c) { return run_stamp(c, o.stamp); },
      &o.stamp.run.sql);

  auto* import =
      m_app.add_subcommand("import", "Write revision files from another tool's migrations");
  import
      ->add_option("--from", o.import.from,
                   "dbmate, golang-migrate, diesel, flyway, sqitch or alembic")
      ->required();
  import->add_option("source", o.import.source, "The other tool's migrations directory")
      ->required();
  bind(import, "import", [&o](commands::Environment& c) { return run_import(c, o.import); });

  auto* status = m_app.add_subcommand(
      "status", "Where the database is: applied, pending, unknown, changed, lock");
  bind(status, "status", [](commands::Environment& c) { return run_status(c); });

  auto* history = m_app.add_subcommand("history", "List revisions, newest first");
  bind(history, "history", [](commands::Environment& c) { return run_history(c); });

  auto* heads = m_app.add_subcommand("heads", "List the heads of the revision graph");
  bind(heads, "heads", [](commands::Environment& c) { return run_heads(c); });

  auto* show = m_app.add_subcommand(
      "show", "Print a revision from the files, or from the database when the files lack it");
  show->add_option("revision", o.show.revision, "A revision id or prefix")->required();
  show->add_flag("--write", o.show.write,
                 "Write the database's copy into the migrations directory");
  bind(show, "show", [&o](commands::Environment& c) { return run_show(c, o.show); });

  auto* resolve = m_app.add_subcommand("resolve-branch", "Join the heads with a merge revision");
  resolve->add_option("-m,--message", o.resolve.message, "Message of the merge revision");
  resolve->add_flag("--check", o.resolve.check,
                    "Only check: exit 4 when there is more than one head");
  bind(resolve, "resolve-branch",
       [&o](commands::Environment& c) { return run_resolve_branch(c, o.resolve); });

  auto* lint = m_app.add_subcommand(
      "lint", "Check revisions for statements that are unsafe under live traffic");
  bind(lint, "lint", [](commands::Environment& c) { return run_lint(c); });

  auto* lock = m_app.add_subcommand("lock", "The migration lock");
  lock->require_subcommand(1);
  auto* lock_status = lock->add_subcommand("status", "Who holds the migration lock");
  bind(lock_status, "lock status", [](commands::Environment& c) { return run_lock_status(c); });
  auto* lock_clear = lock->add_subcommand(
      "clear", "Release a stale migration lock by terminating its holder's backend");
  lock_clear->add_flag("-y,--yes", o.lock_clear.yes, "Do not ask for confirmation");
  lock_clear->add_flag(
      "--force", o.lock_clear.force,
      "Also terminate a holder that is running a statement or whose heartbeat is recent");
  lock_clear
      ->add_option("--stale-after", o.lock_clear.stale_after,
                   "A migrate run whose heartbeat is younger than this is alive, not stale")
      ->capture_default_str();
  bind(lock_clear, "lock clear",
       [&o](commands::Environment& c) { return run_lock_clear(c, o.lock_clear); });
}

void App::parse(int argc, char** argv) { m_app.parse(argc, argv); }

bool App::json() const { return m_options->global.json; }

int App::run() {
  m_options->global.config_given = m_app.get_option("--config")->count() > 0;
  bool script = m_prints_sql && *m_prints_sql;
  Composition composition(m_options->global, m_command, script ? Output::script : Output::results);
  int code = m_action(composition.environment());
  if (code == 0) composition.finish();
  return code;
}

}  // namespace migrate::cli
