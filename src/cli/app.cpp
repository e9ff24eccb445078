#include "cli/app.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "cli/completion.hpp"
#include "commands/commands.hpp"
#include "commands/fleet.hpp"
#include "core/fleet/targets.hpp"
#include "core/suggest.hpp"
#include "version.hpp"

namespace migrate::cli {

using namespace migrate::commands;

// --targets and the wave options, for the commands that take them.
struct FleetCliOptions {
  std::string targets;
  int parallel = 4;
  size_t canary = 0;
  int wave = 100;
  size_t max_failures = 0;
};

struct App::Options {
  GlobalOptions global;
  UpgradeOptions upgrade;
  DowngradeOptions downgrade;
  ContractOptions contract;
  StampOptions stamp;
  ImportOptions import;
  NewOptions new_revision;
  ShowOptions show;
  StatusOptions status;
  DumpOptions dump;
  HistoryOptions history;
  ResolveBranchOptions resolve;
  LintOptions lint;
  LockClearOptions lock_clear;
  FleetCliOptions fleet;
  std::string completion_shell;
  std::string for_release;  // status --for-release
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
  command->add_option("--batch-time", run.batch_time,
                      "Size backfill batches to take about this long each (e.g. 500ms), starting "
                      "from --batch-size rows");
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

// The global options, listed in each command's help (CLI11 shows only the
// command's own), and examples of the command.
enum class Reaches { files, database };
void describe(CLI::App* command, Reaches reaches, const std::vector<std::string>& examples) {
  std::string text =
      reaches == Reaches::database
          ? "Global options, before or after the command: --database-url URL, --schema NAME, "
            "--wait DURATION,\n  --dir DIR, --config FILE, --json, -v/--verbose, -q/--quiet, "
            "--color WHEN"
          : "Global options, before or after the command: --dir DIR, --config FILE, --json,\n  "
            "-v/--verbose, -q/--quiet, --color WHEN";
  text += "\nExamples:";
  for (const auto& example : examples) text += "\n  " + example;
  command->footer(text);
}

// The global options that take a value, read from the CLI definition so
// that a new one cannot be forgotten here.
std::set<std::string> valued_options(const CLI::App& app) {
  std::set<std::string> valued;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_items_expected_min() == 0) continue;  // a flag
    for (const auto& name : option->get_lnames()) valued.insert("--" + name);
    for (const auto& name : option->get_snames()) valued.insert("-" + name);
  }
  return valued;
}

// The first word that is not an option (nor an option's value): the command.
std::optional<size_t> command_position(const std::vector<std::string>& args,
                                       const std::set<std::string>& valued) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return std::nullopt;
    if (arg.size() > 1 && arg[0] == '-') {
      if (valued.count(arg)) ++i;
      continue;
    }
    return i;
  }
  return std::nullopt;
}

std::vector<std::string> names_of(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  return names;
}

// --targets and --parallel, on every command that can run over a fleet.
void add_fleet_options(CLI::App* command, FleetCliOptions& fleet) {
  command->add_option("--targets", fleet.targets,
                      "Run over every database in FILE (one per line, or YAML; - reads stdin); "
                      "see docs/fleet.md");
  command->add_option("--parallel", fleet.parallel, "With --targets: databases worked on at a time")
      ->capture_default_str();
}

// The waves of a fleet run, on the commands that change the databases.
void add_wave_options(CLI::App* command, FleetCliOptions& fleet) {
  add_fleet_options(command, fleet);
  command->add_option("--canary", fleet.canary,
                      "With --targets: run this many targets first, alone; any failure there "
                      "stops the run");
  command
      ->add_option("--wave", fleet.wave,
                   "With --targets: percent of the remaining targets per wave after the canary")
      ->capture_default_str();
  command
      ->add_option("--max-failures", fleet.max_failures,
                   "With --targets: failed targets tolerated before the run stops after a wave")
      ->capture_default_str();
}

std::string read_targets(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw usage_error(
        fmt::format("cannot read the targets file {}: {}", path, std::strerror(errno)),
        "give --targets a file with one connection string per line, or - for stdin");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
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
      "8 a schema or another tool's history migrate did not write (adopt it: import, stamp),\n"
      "9 revisions pending (status --exit-code), 10 incompatible with the named release (status "
      "--for-release, contract --live-release), 130 interrupted.\n"
      "`migrate help COMMAND` (or `migrate COMMAND --help`) shows a command's options and "
      "examples.\n"
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
  m_app
      .add_option("--color", o.global.color,
                  "Colours: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, "
                  "never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  m_app.add_flag("--no-cache", o.global.no_cache,
                 "Read and parse every revision file, neither reading nor writing the cache of "
                 "parsed files (status, heads, history; see docs/configuration.md)");
  m_app.add_option("--wait", o.global.wait,
                   "Retry connecting for up to this long while the database is starting (e.g. "
                   "30s); exit 1 if it never answers");

  using Action = std::function<int(commands::Environment&)>;
  auto bind = [this](CLI::App* command, std::string name, Action action,
                     const bool* prints_sql = nullptr,
                     std::optional<commands::FleetKind> fleet = std::nullopt) {
    command->callback(
        [this, name = std::move(name), action = std::move(action), prints_sql, fleet] {
          m_command = name;
          m_action = action;
          m_prints_sql = prints_sql;
          m_fleet_kind = fleet;
        });
  };

  auto* init =
      m_app.add_subcommand("init", "Create the migrations directory and a commented migrate.yaml");
  bind(init, "init", [](commands::Environment& c) { return run_init(c); });
  describe(init, Reaches::files, {"migrate init", "migrate --dir db/migrations init"});

  auto* create =
      m_app.add_subcommand("new", "Write a new revision file whose parents are the current heads");
  create->add_option("-m,--message", o.new_revision.message, "What the revision does")->required();
  auto* sql_format = create->add_flag("--sql", "Write an SQL revision (default)");
  create
      ->add_flag("--yaml", o.new_revision.yaml, "Write a YAML revision with declarative operations")
      ->excludes(sql_format);
  bind(create, "new", [&o](commands::Environment& c) { return run_new(c, o.new_revision); });
  describe(create, Reaches::files,
           {"migrate new -m \"add users.email\"", "migrate new --yaml -m \"split users.name\""});

  auto* upgrade =
      m_app.add_subcommand("upgrade", "Apply pending revisions (the expand phase) up to TARGET");
  upgrade->add_option("target", o.upgrade.target,
                      "head (default), heads, a revision id or prefix, or +N");
  describe(upgrade, Reaches::database,
           {"migrate upgrade                 every pending revision (expand phase)",
            "migrate upgrade +1              the next one only",
            "migrate upgrade --sql > up.sql  the script, touching nothing",
            "migrate upgrade --contract      expand and contract at once (development)"});
  upgrade->add_flag("--contract", o.upgrade.contract,
                    "Then run the contract phase too, removing the old shape at once (for "
                    "development: no previous release can be running)");
  add_execution_options(upgrade, o.upgrade.run);
  add_source_option(upgrade, o.upgrade.run);
  add_wave_options(upgrade, o.fleet);
  bind(
      upgrade, "upgrade", [&o](commands::Environment& c) { return run_upgrade(c, o.upgrade); },
      &o.upgrade.run.sql, commands::FleetKind::apply);

  auto* downgrade = m_app.add_subcommand("downgrade", "Undo applied revisions down to TARGET");
  downgrade->add_option("target", o.downgrade.target,
                        "-N (undo the last N), base (undo all), or a revision id or prefix (kept)");
  describe(downgrade, Reaches::database,
           {"migrate downgrade -1      undo the last revision",
            "migrate downgrade 8fb4c8  keep 8fb4c8 and its ancestors, undo the rest"});
  add_execution_options(downgrade, o.downgrade.run);
  bind(
      downgrade, "downgrade",
      [&o](commands::Environment& c) { return run_downgrade(c, o.downgrade); },
      &o.downgrade.run.sql);

  auto* contract = m_app.add_subcommand(
      "contract", "Run the contract phase of expanded revisions, oldest first");
  contract->add_option("target", o.contract.target,
                       "Contract up to this revision (default: all expanded)");
  contract->add_option("--live-release", o.contract.live_releases,
                       "A release still serving traffic (its migrations directory, or "
                       "git:REF:PATH): refuse, with exit 10, to contract a revision it does not "
                       "know; repeat for several");
  describe(contract, Reaches::database,
           {"migrate contract         once no instance of the previous release is left",
            "migrate contract --sql   the script, touching nothing",
            "migrate contract --live-release git:v1.0.1:migrations"});
  add_execution_options(contract, o.contract.run);
  add_wave_options(contract, o.fleet);
  bind(
      contract, "contract", [&o](commands::Environment& c) { return run_contract(c, o.contract); },
      &o.contract.run.sql, commands::FleetKind::apply);

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
  describe(stamp, Reaches::database,
           {"migrate stamp head                    adopt a database whose schema is already there",
            "migrate stamp --update-checksum 8fb4  accept an applied file's new content"});
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
  describe(import, Reaches::files,
           {"migrate import --from alembic alembic/versions",
            "migrate import --from dbmate db/migrations"});

  auto* status = m_app.add_subcommand(
      "status", "Where the database is: applied, pending, unknown, changed, lock");
  status->add_flag("--exit-code", o.status.exit_code,
                   "Exit 9 when revisions are pending (and the state is otherwise consistent)");
  status->add_option("--for-release", o.for_release,
                     "Only say whether this release's application can run on the database as it "
                     "is (its migrations directory, or git:REF:PATH); exit 10 when it cannot");
  add_fleet_options(status, o.fleet);
  bind(
      status, "status",
      [&o](commands::Environment& c) {
        return o.for_release.empty() ? run_status(c, o.status)
                                     : run_release_check(c, o.for_release);
      },
      nullptr, commands::FleetKind::status);
  describe(
      status, Reaches::database,
      {"migrate status", "migrate status --exit-code || migrate upgrade",
       "migrate status --targets fleet.txt", "migrate status --for-release git:v1.0.1:migrations"});

  auto* current =
      m_app.add_subcommand("current", "The revisions the database is at (its heads), one a line");
  bind(current, "current", [](commands::Environment& c) { return run_current(c); });
  describe(current, Reaches::database, {"migrate current", "migrate current --json"});

  auto* wait = m_app.add_subcommand(
      "wait", "Wait until the database answers (a minute, or --wait DURATION), e.g. in CI");
  bind(wait, "wait", [](commands::Environment& c) { return run_wait(c); });
  describe(wait, Reaches::database,
           {"migrate wait && migrate upgrade", "migrate --wait 2m wait",
            "migrate --wait 30s upgrade   the same, in one command"});

  auto* dump = m_app.add_subcommand(
      "dump", "Print the database's schema (pg_dump --schema-only, without migrate's state)");
  dump->add_option("--file", o.dump.file, "Write it to this file instead of stdout (replaced)");
  bind(dump, "dump", [&o](commands::Environment& c) { return run_dump(c, o.dump); });
  describe(dump, Reaches::database,
           {"migrate dump --file schema.sql   after `migrate upgrade`, to commit with the files",
            "migrate dump | diff schema.sql -  has the schema drifted?"});

  auto* history = m_app.add_subcommand(
      "history", "List revisions, newest first, marking those the database has applied");
  history->add_option("-r,--rev-range", o.history.range,
                      "Only revisions from A to B: A:B, A: (A and newer), :B (B and older)");
  history->add_flag("--graph", o.history.graph, "Draw branches and merges, as git log --graph");
  bind(history, "history", [&o](commands::Environment& c) { return run_history(c, o.history); });
  describe(history, Reaches::database,
           {"migrate history                 with applied marks when a database is configured",
            "migrate history -r 8fb4c8:head  a range, as Alembic's",
            "migrate history --graph         branches and merges drawn",
            "migrate history --verbose       when, by whom and from where each was applied"});

  auto* heads = m_app.add_subcommand("heads", "List the heads of the revision graph");
  bind(heads, "heads", [](commands::Environment& c) { return run_heads(c); });
  describe(heads, Reaches::files, {"migrate heads", "migrate heads --json"});

  auto* show = m_app.add_subcommand(
      "show", "Print a revision from the files, or from the database when the files lack it");
  show->add_option("revision", o.show.revision, "A revision id or prefix")->required();
  auto* write = show->add_flag("--write", o.show.write,
                               "Write the database's copy into the migrations directory");
  show->add_flag("--recorded", o.show.recorded,
                 "Print the content the database recorded when it was applied, not the file's")
      ->excludes(write);
  describe(show, Reaches::database,
           {"migrate show 8fb4c8", "migrate show 8fb4c8 --recorded | diff - migrations/8fb4c8*",
            "migrate show 77aa01 --write     restore a revision only the database knows"});
  bind(show, "show", [&o](commands::Environment& c) { return run_show(c, o.show); });

  auto* resolve = m_app.add_subcommand("resolve-branch", "Join the heads with a merge revision");
  resolve->add_option("-m,--message", o.resolve.message, "Message of the merge revision");
  resolve->add_flag("--check", o.resolve.check,
                    "Only check: exit 4 when there is more than one head");
  bind(resolve, "resolve-branch",
       [&o](commands::Environment& c) { return run_resolve_branch(c, o.resolve); });
  describe(resolve, Reaches::files,
           {"migrate resolve-branch -m \"merge hotfix\"", "migrate resolve-branch --check"});

  auto* lint = m_app.add_subcommand(
      "lint", "Check revisions for statements that are unsafe under live traffic");
  lint->add_option("--format", o.lint.format,
                   "text, or github: workflow commands that annotate the pull request")
      ->capture_default_str();
  lint->add_flag("--pending", o.lint.pending,
                 "Only the revisions the database has not applied (connects to it)");
  bind(lint, "lint", [&o](commands::Environment& c) { return run_lint(c, o.lint); });
  describe(lint, Reaches::files,
           {"migrate lint", "migrate lint --format github", "migrate lint --pending"});

  auto* lock = m_app.add_subcommand("lock", "The migration lock");
  lock->require_subcommand(1);
  auto* lock_status = lock->add_subcommand("status", "Who holds the migration lock");
  add_fleet_options(lock_status, o.fleet);
  bind(
      lock_status, "lock status", [](commands::Environment& c) { return run_lock_status(c); },
      nullptr, commands::FleetKind::lock_status);
  describe(lock_status, Reaches::database, {"migrate lock status"});
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
  describe(lock_clear, Reaches::database, {"migrate lock clear", "migrate lock clear --yes"});
  describe(lock, Reaches::database, {"migrate lock status", "migrate lock clear"});

  auto* help = m_app.add_subcommand("help", "Help on migrate or on one command");
  help->add_option("command", m_help_topic, "A command, e.g. upgrade or lock clear");
  describe(help, Reaches::files, {"migrate help", "migrate help upgrade"});
  bind(help, "help", nullptr);

  // Hidden (no help group): the build runs it to install the completion files.
  auto* completion =
      m_app.add_subcommand("completion", "Print the shell completion script for SHELL");
  completion->group("");
  completion->add_option("shell", o.completion_shell, "bash, zsh or fish")->required();
  completion->callback([this] { m_command = "completion"; });
}

void App::parse(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool asks = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "--version";
  });
  const std::set<std::string> valued = valued_options(m_app);
  std::optional<size_t> position = command_position(args, valued);
  if (!position && !asks) {
    m_bare = true;
    return;
  }
  if (position) {
    const std::string& word = args[*position];
    std::vector<std::string> names = names_of(m_app);
    if (std::find(names.begin(), names.end(), word) == names.end())
      throw usage_error(
          fmt::format("unknown command '{}'{}", word, core::did_you_mean(word, names)),
          "`migrate help` lists the commands");
    // `lock` is a group: its own commands are checked the same way.
    std::vector<std::string> inner = names_of(*m_app.get_subcommand(word));
    if (!inner.empty() && !asks) {
      std::vector<std::string> rest(args.begin() + static_cast<long>(*position) + 1, args.end());
      std::optional<size_t> next = command_position(rest, valued);
      if (!next)
        throw usage_error(fmt::format("{} needs a command: {}", word, fmt::join(inner, " or ")),
                          fmt::format("`migrate help {}` describes them", word));
      const std::string& sub = rest[*next];
      if (std::find(inner.begin(), inner.end(), sub) == inner.end())
        throw usage_error(
            fmt::format("unknown command '{} {}'{}", word, sub, core::did_you_mean(sub, inner)),
            fmt::format("`migrate help {}` describes its commands", word));
    }
  }
  m_app.parse(argc, argv);
}

int App::run_help() {
  const CLI::App* topic = &m_app;
  std::string path;
  for (const auto& word : m_help_topic) {
    std::vector<std::string> names = names_of(*topic);
    if (std::find(names.begin(), names.end(), word) == names.end())
      throw usage_error(fmt::format("no command '{}'{}", (path.empty() ? "" : path + " ") + word,
                                    core::did_you_mean(word, names)),
                        "`migrate help` lists the commands");
    topic = topic->get_subcommand(word);
    path += (path.empty() ? "" : " ") + word;
  }
  // CLI::App::help() would describe the command parsed (`help` itself).
  std::cout << m_app.get_formatter()->make_help(topic, path.empty() ? "migrate" : "migrate " + path,
                                                CLI::AppFormatMode::Normal);
  return 0;
}

bool App::json() const { return m_options->global.json; }

int App::run() {
  // Needs no configuration: it describes the command line itself.
  if (m_command == "completion") {
    std::cout << completion_script(m_app, m_options->completion_shell);
    return 0;
  }
  // A bare `migrate` is a usage error that shows what migrate can do.
  if (m_bare) {
    std::cerr << m_app.help();
    return static_cast<int>(ExitCode::usage);
  }
  if (m_command == "help") return run_help();
  m_options->global.config_given = m_app.get_option("--config")->count() > 0;
  bool script = m_prints_sql && *m_prints_sql;
  const FleetCliOptions& fleet = m_options->fleet;
  if (!fleet.targets.empty()) {
    if (script)
      throw usage_error("--targets and --sql do not go together: a script is for one database",
                        "run `migrate upgrade --sql` against one database of the fleet");
    if (!m_options->global.database_url.empty())
      throw usage_error("--targets and --database-url do not go together",
                        "list every database in the targets file, or leave --targets out");
    commands::FleetOptions options;
    options.targets = core::parse_targets(fleet.targets, read_targets(fleet.targets));
    options.parallel = fleet.parallel;
    options.canary = fleet.canary;
    options.wave_percent = fleet.wave;
    options.max_failures = fleet.max_failures;
    options.blocks =
        m_options->global.verbose ? commands::FleetBlocks::all : commands::FleetBlocks::failures;
    // The live line is for a person watching: a terminal, and not with -q.
    if (isatty(STDERR_FILENO) == 1 && !m_options->global.quiet) options.live = stderr;
    Composition composition(m_options->global, m_command, Output::results);
    return commands::run_fleet(composition.environment(), options, *m_fleet_kind, m_action);
  }
  Composition composition(m_options->global, m_command, script ? Output::script : Output::results);
  int code = m_action(composition.environment());
  if (code == 0) composition.finish();
  return code;
}

}  // namespace migrate::cli
