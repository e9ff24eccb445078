// status: where the database is, what is pending, unknown, changed, expanded
// or in progress, and who holds the lock. Exit 3 for unknown revisions, 6 for
// changed files, 1 for an interrupted run, 0 when consistent.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/session_json.hpp"
#include "core/revisions/status.hpp"
#include "core/sql/grammar.hpp"

namespace migrate::commands {

namespace {

void print_list(std::ostream& out, const core::RevisionGraph& graph, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    const core::Revision& revision = graph.get(id);
    out << fmt::format("    {}  {:<40} {}\n", id, revision.message, revision.path);
  }
}

}  // namespace

int run_status(cli::Context& context) {
  core::RevisionGraph graph = context.load_graph();
  auto database = context.connect();
  std::vector<core::AppliedRevision> applied = database->read_applied();
  core::Status status = core::compute_status(graph, applied);
  std::optional<engine::LockHolder> holder = database->lock_holder();
  // A revision in progress while nobody holds the lock was interrupted: the
  // database is not in a state a deploy should go ahead on.
  bool interrupted = !status.in_progress.empty() && !holder;
  int code = !status.unknown.empty() ? static_cast<int>(ExitCode::unknown_revisions)
             : !status.changed.empty() ? static_cast<int>(ExitCode::checksum_mismatch)
             : interrupted             ? static_cast<int>(ExitCode::runtime)
                                       : 0;

  if (context.json()) {
    nlohmann::json unknown = nlohmann::json::array();
    for (const auto& revision : status.unknown) unknown.push_back(applied_json(revision));
    nlohmann::json in_progress = nlohmann::json::array();
    for (const auto& id : status.in_progress) {
      auto record = std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == id; });
      in_progress.push_back({{"id", id}, {"phase", record->running_phase}, {"steps_done", record->steps_done}});
    }
    nlohmann::json result = {
        {"database", context.database_display()}, {"schema", context.schema()},
        {"server_version", core::server_version_text(database->server_version())}, {"dir", context.dir()},
        {"applied", status.applied}, {"pending", status.pending}, {"unknown", unknown},
        {"changed", status.changed}, {"expanded", status.expanded}, {"in_progress", in_progress},
        {"heads", status.file_heads}, {"database_heads", status.database_heads},
        {"lock", holder ? holder_json(*holder) : nlohmann::json(nullptr)}, {"consistent", status.consistent()},
        {"exit_code", code}};
    context.out() << result.dump(2) << '\n';
    return code;
  }

  const auto& style = context.out_style();
  std::ostream& out = context.out();
  out << fmt::format("{:<10} {} (schema {})\n", "database", context.database_display(), context.schema());
  out << fmt::format("{:<10} PostgreSQL {}\n", "server", core::server_version_text(database->server_version()));
  out << fmt::format("{:<10} {}: {} revision{}, head{} {}\n", "files", context.dir(), graph.size(),
                     graph.size() == 1 ? "" : "s", graph.heads().size() == 1 ? "" : "s",
                     graph.heads().empty() ? std::string("(none)") : fmt::format("{}", fmt::join(graph.heads(), ", ")));
  out << fmt::format("{:<10} {} revision{}, database head{} {}\n", "applied", status.applied.size() + status.unknown.size(),
                     status.applied.size() + status.unknown.size() == 1 ? "" : "s",
                     status.database_heads.size() == 1 ? "" : "s",
                     status.database_heads.empty() ? std::string("(base)") : fmt::format("{}", fmt::join(status.database_heads, ", ")));
  out << fmt::format("{:<10} {}\n", "pending", status.pending.empty() ? std::string("none") : std::to_string(status.pending.size()));
  print_list(out, graph, status.pending);
  if (!status.expanded.empty()) {
    out << fmt::format("{:<10} {} awaiting `migrate contract`\n", "expanded", status.expanded.size());
    print_list(out, graph, status.expanded);
  }
  if (!status.in_progress.empty()) {
    out << style.yellow(fmt::format("{:<10} {} {}\n", "progress", status.in_progress.size(),
                                    interrupted ? "interrupted (no run holds the lock)" : "running"));
    for (const auto& id : status.in_progress) {
      auto record = std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == id; });
      out << fmt::format("    {}  {} phase, {} step{} done\n", id, record->running_phase, record->steps_done,
                         record->steps_done == 1 ? "" : "s");
    }
    if (interrupted)
      out << "           run the same command again (`migrate upgrade`, `contract` or `downgrade`): it resumes, "
             "or says which statement to check\n";
  }
  if (!status.changed.empty()) {
    out << style.red(fmt::format("{:<10} {} applied file{} changed since applied\n", "changed", status.changed.size(),
                                 status.changed.size() == 1 ? "" : "s"));
    print_list(out, graph, status.changed);
  }
  if (!status.unknown.empty()) {
    out << style.red(fmt::format("{:<10} {} revision{} in the database that the files do not know\n", "UNKNOWN",
                                 status.unknown.size(), status.unknown.size() == 1 ? "" : "s"));
    for (const auto& revision : status.unknown) out << "  " << core::describe_applied(revision) << '\n';
    out << "           bring that branch into this checkout, then run `migrate resolve-branch`; "
           "`migrate show <id>` prints a revision from the database\n";
  }
  out << fmt::format("{:<10} {}\n", "lock", holder ? "held by " + engine::describe_session(holder->session) : "free");
  return code;
}

}  // namespace migrate::commands
