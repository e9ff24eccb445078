#include "commands/mutation.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/checks/lint.hpp"
#include "core/checks/plan_check.hpp"
#include "core/sql/grammar.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/sql_text.hpp"
#include "version.hpp"

namespace migrate::commands {

using core::parse_duration;

engine::ExecutionOptions execution_options(const cli::Context& context, const RunOptions& options) {
  engine::ExecutionOptions execution;
  execution.lock_timeout = parse_duration(options.lock_timeout, "--lock-timeout");
  if (execution.lock_timeout.count() == 0)
    throw usage_error("--lock-timeout must be more than 0", "a zero lock_timeout would let DDL queue forever");
  if (options.retries < 0) throw usage_error("--retries must be 0 or more");
  if (options.batch_size < 1) throw usage_error("--batch-size must be at least 1");
  execution.retries = options.retries;
  execution.retry_deadline = parse_duration(options.retry_deadline, "--retry-deadline");
  execution.statement_timeout = parse_duration(options.statement_timeout, "--statement-timeout");
  if (!options.terminate_blockers_after.empty())
    execution.terminate_blockers_after = parse_duration(options.terminate_blockers_after, "--terminate-blockers-after");
  execution.backfill_batch = options.batch_size;
  execution.backfill_pause = parse_duration(options.batch_pause, "--batch-pause");
  execution.tool_version = k_version;
  execution.resume = options.resume;
  execution.skip_interrupted = options.skip_interrupted;
  execution.source = options.sql ? options.source : context.source(options.source);
  return execution;
}

Mutation::Mutation(cli::Context& context, const RunOptions& options, const core::RevisionGraph& graph,
                   const std::vector<std::string>& accepted, ChangedFiles others)
    : m_context(context), m_options(options), m_graph(graph), m_execution(execution_options(context, options)) {
  auto lock_wait = parse_duration(options.lock_wait, "--lock-wait");
  if (options.sql) {
    context.silence_progress();
    if (context.database_given()) m_connection = context.connect();
    m_offline = std::make_unique<engine::OfflineDatabase>(context.out(), m_connection.get(),
                                                         context.state_sql().ensure_layout());
    m_database = m_offline.get();
  } else {
    m_connection = context.connect();
    m_database = m_connection.get();
    engine::LockOptions lock_options;
    lock_options.wait = lock_wait;
    m_holder = {context.host(), context.command(), context.ci_job()};
    lock_options.holder = m_holder;
    m_lock = std::make_unique<engine::MigrationLock>(*m_database, context.reporter(), lock_options);
  }
  m_applied = m_database->read_applied();
  m_status = core::compute_status(graph, m_applied);

  if (!m_status.unknown.empty()) {
    if (!options.ignore_unknown) throw core::UnknownRevisionsError(m_status.unknown);
    std::vector<std::string> ids;
    for (const auto& revision : m_status.unknown) ids.push_back(revision.id);
    m_execution.note = fmt::format("applied with --ignore-unknown while the database held unknown revisions {}",
                                   fmt::join(ids, ", "));
    context.reporter().warning(fmt::format("--ignore-unknown: proceeding although the database holds {} (recorded)",
                                           fmt::join(ids, ", ")));
    m_database->run({{context.state_sql().event("ignore-unknown", "", m_execution.note)}, true});
  }
  std::vector<std::string> refused;
  for (const auto& id : m_status.changed) {
    if (std::find(accepted.begin(), accepted.end(), id) != accepted.end()) continue;
    // Stopped before any statement completed: nothing of the old file was
    // applied, so the edited file runs (the executor records its checksum).
    auto record = std::find_if(m_applied.begin(), m_applied.end(), [&](const auto& r) { return r.id == id; });
    if (record != m_applied.end() && record->phase == core::AppliedPhase::in_progress && record->steps_done == 0) {
      context.reporter().info(fmt::format("{}: changed since its run stopped before any statement completed; it runs "
                                          "as edited now, and its new checksum is recorded",
                                          graph.get(id).path));
      continue;
    }
    refused.push_back(id);
  }
  if (others == ChangedFiles::refuse && !refused.empty()) throw core::ChangedFilesError(graph, m_applied, refused);
}

void Mutation::check(const core::Plan& plan) {
  std::vector<FileProblem> no_way_back;
  for (const auto& planned : plan) {
    const core::Revision& revision = m_graph.get(planned.id);
    bool undo = planned.phase == core::Phase::rollback || planned.phase == core::Phase::down;
    if (undo && revision.format == core::RevisionFormat::sql && !revision.down.present)
      no_way_back.push_back({revision.path, 1,
                             fmt::format("revision {} has no '-- migrate:down' section, so it cannot be reverted",
                                         revision.id)});
  }
  if (!no_way_back.empty())
    throw Error(ExitCode::usage, InvalidFilesError(no_way_back).what(),
                "nothing was changed. Add a '-- migrate:down' section (empty when there is nothing to undo), or "
                "move the record only with `migrate stamp`");
  // A statement PostgreSQL 15's grammar cannot parse is an error, unless the
  // server is newer: then it may be newer syntax, and the server judges it.
  const int server = m_database->server_version();
  std::vector<FileProblem> problems;
  auto syntax_problem = [&](FileProblem problem) {
    if (!core::newer_than_parser(server)) return problems.push_back(std::move(problem));
    m_context.reporter().warning(fmt::format(
        "{}: could not check this statement: PostgreSQL {}'s grammar does not parse it; the server "
        "(PostgreSQL {}) will judge it",
        problem.located(), core::k_parser_major_version, core::server_version_text(server)));
  };
  for (auto& problem : core::check_plan_sql(m_graph, plan)) {
    if (problem.message.rfind("SQL syntax error: ", 0) == 0) syntax_problem(std::move(problem));
    else problems.push_back(std::move(problem));
  }
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  // Lint parses what upgrade expands: its syntax findings make the files
  // invalid (exit 2), its other errors stop the run (exit 7).
  std::vector<core::LintFinding> errors;
  for (const auto& planned : plan) {
    if (planned.phase != core::Phase::expand) continue;
    for (auto& finding : core::lint_upgrade(m_graph.get(planned.id))) {
      if (finding.rule == "syntax")
        syntax_problem({finding.path, finding.line, "SQL syntax error: " + finding.message});
      else if (finding.severity == core::Severity::error)
        errors.push_back(std::move(finding));
      else
        m_context.reporter().info(core::format_finding(finding));
    }
  }
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  if (!errors.empty()) throw core::LintError(errors);
  m_checked = true;
}

void Mutation::prepare_state() {
  m_database->ensure_state();
  m_database->write_holder(m_holder);
}

void Mutation::run(const core::Plan& plan) {
  if (!m_checked) check(plan);
  prepare_state();
  engine::Executor executor(*m_database, m_context.reporter(), m_context.state_sql(), m_execution);
  executor.run(m_graph, plan, m_applied);
}

}  // namespace migrate::commands
