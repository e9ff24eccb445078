// One function per CLI verb. Each takes the Environment and a typed options
// struct (filled by cli/app.cpp) and returns the exit code; failures are thrown
// as migrate::Error and reported by main.
#pragma once

#include <string>
#include <vector>

#include "commands/environment.hpp"
#include "core/checks/lint.hpp"

namespace migrate::commands {

// Options shared by the commands that change the database.
struct RunOptions {
  std::string lock_wait = "5m";
  std::string lock_timeout = "500ms";  // engine::k_default_lock_timeout
  int retries = 15;
  std::string retry_deadline = "10m";
  std::string statement_timeout = "0";
  std::string terminate_blockers_after;
  int batch_size = 1000;
  std::string batch_pause = "0";
  std::string batch_time;  // "": every batch --batch-size rows
  std::string source;
  bool ignore_unknown = false;
  // Run on a database that holds tables or another tool's state but no migrate state.
  bool allow_existing_schema = false;
  bool sql = false;  // print the SQL instead of running it
  // An interrupted non-transactional statement: run it again, or take it as done.
  bool resume = false;
  bool skip_interrupted = false;
};

struct UpgradeOptions {
  std::string target;
  bool contract = false;  // then contract what it expanded, for development
  RunOptions run;
};
struct DowngradeOptions {
  std::string target;
  RunOptions run;
};
struct ContractOptions {
  std::string target;
  // Releases still serving traffic: a revision one of them does not know is not contracted.
  std::vector<std::string> live_releases;
  RunOptions run;
};
struct StampOptions {
  std::string target;
  std::string from_state;                    // record what this tool's state table says is applied
  std::vector<std::string> update_checksum;  // revisions whose new file content is accepted
  bool yes = false;                          // forget applied revisions without asking
  RunOptions run;
};
struct ImportOptions {
  std::string from;    // the tool: dbmate, golang-migrate, diesel, flyway, sqitch, alembic
  std::string source;  // its migrations directory
};
struct NewOptions {
  std::string message;
  bool yaml = false;
};
struct LintOptions {
  std::string format = "text";  // text, or github (workflow commands that annotate a pull request)
  bool pending = false;         // only the revisions the database has not applied
};
struct ShowOptions {
  std::string revision;
  bool write = false;
  bool recorded = false;  // the content the database recorded, not the file's
};
struct DumpOptions {
  std::string file;  // "" = stdout
};
struct StatusOptions {
  bool exit_code = false;  // exit 9 when revisions are pending
};
struct HistoryOptions {
  std::string range;   // "A:B", "A:", ":B" (Alembic's -r)
  bool graph = false;  // draw branches and merges
};
struct ResolveBranchOptions {
  std::string message;
  bool check = false;
};
struct LockClearOptions {
  bool yes = false;
  bool force = false;
  std::string stale_after = "30s";  // a holder whose heartbeat is younger is alive
};

int run_init(Environment& env);
int run_new(Environment& env, const NewOptions& options);
int run_upgrade(Environment& env, const UpgradeOptions& options);
int run_downgrade(Environment& env, const DowngradeOptions& options);
int run_contract(Environment& env, const ContractOptions& options);
int run_stamp(Environment& env, const StampOptions& options);
int run_stamp_from_state(Environment& env, const StampOptions& options);
int run_status(Environment& env, const StatusOptions& options);
// status --for-release: exit 0 when the release can run on the database, 10 when not.
int run_release_check(Environment& env, const std::string& release);
int run_history(Environment& env, const HistoryOptions& options);
int run_current(Environment& env);
int run_wait(Environment& env);
int run_dump(Environment& env, const DumpOptions& options);
int run_heads(Environment& env);
int run_show(Environment& env, const ShowOptions& options);
int run_resolve_branch(Environment& env, const ResolveBranchOptions& options);
int run_lock_status(Environment& env);
int run_lock_clear(Environment& env, const LockClearOptions& options);
int run_lint(Environment& env, const LintOptions& options);
// One finding as a GitHub Actions workflow command (`::error file=...,line=...::message`),
// which annotates the file in a pull request.
std::string github_annotation(const core::LintFinding& finding);
int run_import(Environment& env, const ImportOptions& options);

}  // namespace migrate::commands
