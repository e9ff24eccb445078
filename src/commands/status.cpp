// status: where the database is, what is pending, unknown, changed, expanded
// or in progress, and who holds the lock. Exit 3 for unknown revisions, 6 for
// changed files, 1 for an interrupted run or an INVALID index, 0 when consistent
// (with --exit-code, 9 when it is consistent but revisions are pending).
#include "core/revisions/status.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/endpoint_text.hpp"
#include "commands/json_document.hpp"
#include "commands/session_json.hpp"
#include "core/importers/foreign_state.hpp"
#include "core/sql/grammar.hpp"
#include "engine/state_layout.hpp"

namespace migrate::commands {

namespace {

void print_list(std::ostream& out, const core::RevisionGraph& graph,
                const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    const core::Revision& revision = graph.get(id);
    out << fmt::format("    {}  {:<40} {}\n", id, revision.message, revision.path);
  }
}

nlohmann::json invalid_indexes_json(const std::vector<engine::InvalidIndex>& invalid) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& index : invalid)
    list.push_back({{"index", index.index}, {"table", index.table}});
  return list;
}

void print_invalid_indexes(std::ostream& out, const report::Style& style,
                           const std::vector<engine::InvalidIndex>& invalid, bool running) {
  if (invalid.empty()) return;
  out << style.red(fmt::format("{:<10} {} INVALID index{}{}\n", "indexes", invalid.size(),
                               invalid.size() == 1 ? "" : "es",
                               running ? " (a run holds the lock: it may be building them)" : ""));
  for (const auto& index : invalid) out << fmt::format("    {}  on {}\n", index.index, index.table);
  out << "           a failed or interrupted concurrent build left them; they enforce nothing. Run "
         "the revision "
         "again (`migrate upgrade --resume` drops and rebuilds its index), or `DROP INDEX "
         "CONCURRENTLY` one no "
         "revision builds (`*_ccnew`: left by REINDEX CONCURRENTLY)\n";
}

}  // namespace

int run_status(Environment& env, const StatusOptions& options) {
  core::RevisionGraph graph = env.load_summary_graph();
  auto database = env.connect();
  engine::Database::StatusReads reads = database->read_status(env.schema());
  const std::vector<core::AppliedRevision>& applied = reads.applied;
  core::Status status = core::compute_status(graph, applied);
  // Revisions the files do not know are described in full (when, by whom,
  // from where), in the order they were applied: read again, which only
  // such a database pays for.
  if (!status.unknown.empty()) {
    status.unknown.clear();
    for (auto& record : engine::read_applied(*database, env.schema()))
      if (!graph.contains(record.id)) status.unknown.push_back(std::move(record));
  }
  const std::optional<engine::LockHolder>& holder = reads.holder;
  core::ForeignState foreign = applied.empty() ? database->foreign_state() : core::ForeignState{};
  bool unadopted = core::needs_adoption(foreign);
  const bool standby = database->in_recovery();
  const engine::Endpoint reached = database->endpoint();
  // A revision in progress while nobody holds the lock was interrupted: the
  // database is not in a state a deploy should go ahead on.
  bool interrupted = !status.in_progress.empty() && !holder;
  // An INVALID index enforces nothing (a unique one lets duplicates in) while
  // every write still maintains it; one a running migration builds is
  // invalid until its build ends.
  const std::vector<engine::InvalidIndex>& invalid = reads.invalid_indexes;
  bool broken_indexes = !invalid.empty() && !holder;
  int code = unadopted                       ? static_cast<int>(ExitCode::unadopted_database)
             : !status.unknown.empty()       ? static_cast<int>(ExitCode::unknown_revisions)
             : !status.changed.empty()       ? static_cast<int>(ExitCode::checksum_mismatch)
             : interrupted || broken_indexes ? static_cast<int>(ExitCode::runtime)
             : options.exit_code && !status.pending.empty() ? static_cast<int>(ExitCode::pending)
                                                            : 0;

  if (env.json()) {
    nlohmann::json unknown = nlohmann::json::array();
    for (const auto& revision : status.unknown) unknown.push_back(applied_json(revision));
    nlohmann::json in_progress = nlohmann::json::array();
    for (const auto& id : status.in_progress) {
      auto record =
          std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == id; });
      in_progress.push_back(
          {{"id", id},
           {"phase", record->running_phase ? core::to_string(*record->running_phase) : ""},
           {"steps_done", record->steps_done}});
    }
    nlohmann::json result = {
        {"database", env.database_display()},
        {"schema", env.schema()},
        {"server_version", core::server_version_text(database->server_version())},
        {"standby", standby},
        {"dir", env.dir()},
        {"applied", status.applied},
        {"pending", status.pending},
        {"unknown", unknown},
        {"changed", status.changed},
        {"expanded", status.expanded},
        {"in_progress", in_progress},
        {"heads", status.file_heads},
        {"database_heads", status.database_heads},
        {"lock", holder ? holder_json(*holder) : nlohmann::json(nullptr)},
        {"unadopted", unadopted ? foreign_state_json(foreign) : nlohmann::json(nullptr)},
        {"consistent", status.consistent() && !unadopted},
        {"invalid_indexes", invalid_indexes_json(invalid)},
        {"exit_code", code}};
    result.update(endpoint_json(reached));
    write_json(env, result);
    return code;
  }

  const auto& style = env.out_style();
  std::ostream& out = env.out();
  out << fmt::format("{:<10} {} (schema {})\n", "database", env.database_display(), env.schema());
  out << fmt::format("{:<10} PostgreSQL {} at {}{}\n", "server",
                     core::server_version_text(database->server_version()), endpoint_text(reached),
                     standby ? " (a standby: read-only)" : "");
  out << fmt::format("{:<10} {}: {} revision{}, head{} {}\n", "files", env.dir(), graph.size(),
                     graph.size() == 1 ? "" : "s", graph.heads().size() == 1 ? "" : "s",
                     graph.heads().empty() ? std::string("(none)")
                                           : fmt::format("{}", fmt::join(graph.heads(), ", ")));
  out << fmt::format("{:<10} {} revision{}, database head{} {}\n", "applied",
                     status.applied.size() + status.unknown.size(),
                     status.applied.size() + status.unknown.size() == 1 ? "" : "s",
                     status.database_heads.size() == 1 ? "" : "s",
                     status.database_heads.empty()
                         ? std::string("(base)")
                         : fmt::format("{}", fmt::join(status.database_heads, ", ")));
  out << fmt::format(
      "{:<10} {}\n", "pending",
      status.pending.empty() ? std::string("none") : std::to_string(status.pending.size()));
  print_list(out, graph, status.pending);
  if (!status.expanded.empty()) {
    out << fmt::format("{:<10} {} awaiting `migrate contract`\n", "expanded",
                       status.expanded.size());
    print_list(out, graph, status.expanded);
  }
  if (!status.in_progress.empty()) {
    out << style.yellow(
        fmt::format("{:<10} {} {}\n", "progress", status.in_progress.size(),
                    interrupted ? "interrupted (no run holds the lock)" : "running"));
    for (const auto& id : status.in_progress) {
      auto record =
          std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == id; });
      out << fmt::format("    {}  {} phase, {} step{} done\n", id,
                         record->running_phase ? core::to_string(*record->running_phase) : "?",
                         record->steps_done, record->steps_done == 1 ? "" : "s");
    }
    if (interrupted)
      out << "           run the same command again (`migrate upgrade`, `contract` or "
             "`downgrade`): it resumes, "
             "or says which statement to check\n";
  }
  if (!status.changed.empty()) {
    out << style.red(fmt::format("{:<10} {} applied file{} changed since applied\n", "changed",
                                 status.changed.size(), status.changed.size() == 1 ? "" : "s"));
    print_list(out, graph, status.changed);
  }
  if (!status.unknown.empty()) {
    out << style.red(
        fmt::format("{:<10} {} revision{} in the database that the files do not know\n", "UNKNOWN",
                    status.unknown.size(), status.unknown.size() == 1 ? "" : "s"));
    for (const auto& revision : status.unknown)
      out << "  " << core::describe_applied(revision) << '\n';
    out << "           bring that branch into this checkout, then run `migrate resolve-branch`; "
           "`migrate show <id>` prints a revision from the database\n";
  }
  print_invalid_indexes(out, style, invalid, holder.has_value());
  if (unadopted) {
    out << style.red(fmt::format("{:<10} no migrate state, but the database holds {}\n",
                                 "UNADOPTED", core::describe_foreign_state(foreign)));
    out << "           writing commands refuse it (exit 8); " << core::adoption_steps(foreign)
        << '\n';
  }
  out << fmt::format("{:<10} {}\n", "lock",
                     holder ? "held by " + engine::describe_session(holder->session) : "free");
  return code;
}

}  // namespace migrate::commands
