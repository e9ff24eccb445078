#include "commands/preflight.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/checks/lint.hpp"
#include "core/checks/plan_check.hpp"
#include "core/duration.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/grammar.hpp"
#include "core/sql/sql_text.hpp"
#include "engine/offline_database.hpp"
#include "engine/state_layout.hpp"
#include "version.hpp"

namespace migrate::commands {

using core::parse_duration;

core::LintContext lint_context(engine::Database& database,
                               const std::vector<const core::Revision*>& revisions) {
  std::vector<std::string> calls;
  for (const core::Revision* revision : revisions)
    for (auto& call : core::default_function_calls(*revision)) calls.push_back(std::move(call));
  core::LintContext context;
  if (!calls.empty()) context.volatile_functions = database.volatile_functions(calls);
  return context;
}

void report_lint_warnings(engine::Reporter& reporter,
                          const std::vector<core::LintFinding>& warnings) {
  size_t shown = warnings.size() > k_lint_warnings_shown ? k_lint_warnings_first : warnings.size();
  for (size_t i = 0; i < shown; ++i) reporter.lint_finding(core::format_finding(warnings[i]));
  if (shown < warnings.size())
    reporter.lint_finding(
        fmt::format("... and {} more lint warnings; run `migrate lint` to see them all",
                    warnings.size() - shown));
}

engine::ExecutionOptions execution_options(const Environment& env, const RunOptions& options) {
  engine::ExecutionOptions execution;
  execution.lock_timeout = parse_duration(options.lock_timeout, "--lock-timeout");
  if (execution.lock_timeout.count() == 0)
    throw usage_error("--lock-timeout must be more than 0",
                      "a zero lock_timeout would let DDL queue forever");
  if (options.retries < 0) throw usage_error("--retries must be 0 or more");
  if (options.batch_size < 1) throw usage_error("--batch-size must be at least 1");
  execution.retries = options.retries;
  execution.retry_deadline = parse_duration(options.retry_deadline, "--retry-deadline");
  execution.statement_timeout = parse_duration(options.statement_timeout, "--statement-timeout");
  if (!options.terminate_blockers_after.empty())
    execution.terminate_blockers_after =
        parse_duration(options.terminate_blockers_after, "--terminate-blockers-after");
  execution.backfill_batch = options.batch_size;
  execution.backfill_pause = parse_duration(options.batch_pause, "--batch-pause");
  if (!options.batch_time.empty()) {
    execution.backfill_time = parse_duration(options.batch_time, "--batch-time");
    if (execution.backfill_time.count() == 0)
      throw usage_error("--batch-time must be more than 0",
                        "leave it out for batches of exactly --batch-size rows");
  }
  if (options.resume && options.skip_interrupted)
    throw usage_error(
        "--resume and --skip-interrupted exclude each other",
        "--resume runs the interrupted statement again; --skip-interrupted takes it as done");
  execution.interrupted = options.resume             ? engine::Interrupted::resume
                          : options.skip_interrupted ? engine::Interrupted::skip
                                                     : engine::Interrupted::refuse;
  execution.provenance = {options.sql ? options.source : env.source(options.source), k_version};
  return execution;
}

Preflight::Preflight(Environment& env, const RunOptions& options, const core::RevisionGraph& graph,
                     const std::vector<std::string>& accepted, ChangedFiles others,
                     ExistingSchema existing)
    : m_env(env),
      m_graph(graph),
      m_state(env.schema()),
      m_execution(execution_options(env, options)) {
  auto lock_wait = parse_duration(options.lock_wait, "--lock-wait");
  if (options.sql) {
    if (env.database_given()) m_connection = env.connect();
    m_offline = std::make_unique<engine::OfflineDatabase>(env.out(), m_connection.get(), m_state);
    m_database = m_offline.get();
  } else {
    m_connection = env.connect();
    m_database = m_connection.get();
    // Before anything else: a standby can take no lock and write nothing.
    if (m_database->in_recovery())
      throw Error(ExitCode::runtime,
                  fmt::format("{} is a standby (pg_is_in_recovery() is true): `migrate {}` writes, "
                              "and a standby is read-only; nothing was done",
                              env.database_display(), env.command()),
                  "run it against the primary; with several hosts in the connection string, add "
                  "target_session_attrs=read-write so that libpq picks the primary");
    engine::LockOptions lock_options;
    lock_options.wait = lock_wait;
    m_holder = {env.settings().host, env.command(), env.settings().ci_job};
    lock_options.holder = m_holder;
    m_lock = std::make_unique<engine::MigrationLock>(*m_database, env.reporter(), env.clock(),
                                                     lock_options);
  }
  m_applied = engine::read_applied(*m_database, env.schema());
  // Before anything is created, not even the state schema.
  if (m_applied.empty()) check_adoption(existing, options.allow_existing_schema);
  core::Status status = core::compute_status(graph, m_applied);

  if (!status.unknown.empty()) {
    if (!options.ignore_unknown) throw core::UnknownRevisionsError(status.unknown);
    std::vector<std::string> ids;
    for (const auto& revision : status.unknown) ids.push_back(revision.id);
    m_execution.note =
        fmt::format("applied with --ignore-unknown while the database held unknown revisions {}",
                    fmt::join(ids, ", "));
    env.reporter().warning(
        fmt::format("--ignore-unknown: proceeding although the database holds {} (recorded)",
                    fmt::join(ids, ", ")));
    m_database->run({{engine::state::Event{"ignore-unknown", "", m_execution.note}}, true});
  }
  std::vector<std::string> refused;
  for (const auto& id : status.changed) {
    if (std::find(accepted.begin(), accepted.end(), id) != accepted.end()) continue;
    // Stopped before any statement completed: nothing of the old file was
    // applied, so the edited file runs (the executor records its checksum).
    auto record =
        std::find_if(m_applied.begin(), m_applied.end(), [&](const auto& r) { return r.id == id; });
    if (record != m_applied.end() && record->phase == core::AppliedPhase::in_progress &&
        record->steps_done == 0) {
      env.reporter().info(
          fmt::format("{}: changed since its run stopped before any statement completed; it runs "
                      "as edited now, and its new checksum is recorded",
                      graph.get(id).path));
      continue;
    }
    refused.push_back(id);
  }
  if (others == ChangedFiles::refuse && !refused.empty())
    throw core::ChangedFilesError(graph, m_applied, refused);
}

void Preflight::check_adoption(ExistingSchema existing, bool allowed) {
  m_foreign = m_database->foreign_state();
  if (!core::needs_adoption(m_foreign)) return;
  std::string found = core::describe_foreign_state(m_foreign);
  if (existing == ExistingSchema::adopt) {
    m_adoption = {"adopt", "", "adopted a database that held " + found};
    return;
  }
  if (!allowed) throw core::UnadoptedDatabaseError(m_foreign);
  m_adoption = {"allow-existing-schema", "",
                "run with --allow-existing-schema on a database that held " + found};
  m_env.reporter().warning("--allow-existing-schema: proceeding although the database holds " +
                           found + " (recorded)");
}

void Preflight::check(const core::Plan& plan) {
  std::vector<FileProblem> no_way_back;
  for (const auto& planned : plan) {
    const core::Revision& revision = m_graph.get(planned.id);
    bool undo = planned.phase == core::Phase::rollback || planned.phase == core::Phase::down;
    if (undo && revision.format == core::RevisionFormat::sql && !revision.down.present)
      no_way_back.push_back(
          {revision.path, 1,
           fmt::format("revision {} has no '-- migrate:down' section, so it cannot be reverted",
                       revision.id)});
  }
  if (!no_way_back.empty())
    throw Error(ExitCode::usage, InvalidFilesError(no_way_back).what(),
                "nothing was changed. Add a '-- migrate:down' section (empty when there is nothing "
                "to undo), or "
                "move the record only with `migrate stamp`");
  // A statement PostgreSQL 15's grammar cannot parse is an error, unless the
  // server is newer: then it may be newer syntax, and the server judges it.
  const int server = m_database->server_version();
  std::vector<FileProblem> problems;
  auto syntax_problem = [&](FileProblem problem) {
    if (!core::newer_than_parser(server)) return problems.push_back(std::move(problem));
    m_env.reporter().warning(fmt::format(
        "{}: could not check this statement: PostgreSQL {}'s grammar does not parse it; the server "
        "(PostgreSQL {}) will judge it",
        problem.located(), core::k_parser_major_version, core::server_version_text(server)));
  };
  for (auto& problem : core::check_plan_sql(m_graph, plan)) {
    if (problem.message.rfind("SQL syntax error: ", 0) == 0)
      syntax_problem(std::move(problem));
    else
      problems.push_back(std::move(problem));
  }
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  // Lint parses what upgrade expands: its syntax findings make the files
  // invalid (exit 2), its other errors stop the run (exit 7).
  std::vector<core::LintFinding> errors;
  std::vector<core::LintFinding> warnings;
  std::vector<const core::Revision*> expanded;
  for (const auto& planned : plan)
    if (planned.phase == core::Phase::expand) expanded.push_back(&m_graph.get(planned.id));
  const core::LintContext context = lint_context(*m_database, expanded);
  for (const core::Revision* revision : expanded) {
    for (auto& finding : core::lint_upgrade(*revision, context)) {
      if (finding.rule == "syntax")
        syntax_problem({finding.path, finding.line, "SQL syntax error: " + finding.message});
      else if (finding.severity == core::Severity::error)
        errors.push_back(std::move(finding));
      else
        warnings.push_back(std::move(finding));
    }
  }
  report_lint_warnings(m_env.reporter(), warnings);
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  if (!errors.empty()) throw core::LintError(errors);
  m_checked = true;
}

Preflight::~Preflight() = default;

void Preflight::prepare_state() {
  if (engine::layout_needs_update(m_database->state_layout())) {
    try {
      m_database->create_state();
    } catch (const engine::DatabaseError& error) {
      if (error.sqlstate() != engine::DatabaseError::k_insufficient_privilege) throw;
      // This session holds the migration lock: the holder is the role that lacks it.
      std::optional<engine::LockHolder> holder = m_database->lock_holder();
      throw engine::state_permission_error(error, m_env.schema(),
                                           holder ? holder->session.user : "");
    }
  }
  m_database->write_holder(m_holder);
  if (!m_adoption.kind.empty()) {
    m_database->run({{m_adoption}, true});
    m_adoption = {};
  }
}

void Preflight::run(const core::Plan& plan) {
  if (!m_checked) check(plan);
  prepare_state();
  engine::Executor executor(*m_database, m_env.reporter(), m_env.clock(), m_execution);
  executor.run(m_graph, plan, m_applied);
}

}  // namespace migrate::commands
