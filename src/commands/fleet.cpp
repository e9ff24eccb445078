#include "commands/fleet.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "commands/fleet_summary.hpp"
#include "commands/json_document.hpp"
#include "core/connection_string.hpp"
#include "core/duration.hpp"
#include "core/fleet/waves.hpp"
#include "engine/interruption.hpp"
#include "report/terminal_reporter.hpp"

namespace migrate::commands {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds k_live_every{250};

// A FILE* whose text ends up in memory, for a target's own TerminalReporter:
// the reporter writes lines as it does on stderr, and the block is printed
// whole when the target ends, so that targets never interleave.
class CapturedStream {
 public:
  CapturedStream() : m_file(open_memstream(&m_buffer, &m_size)) {
    if (!m_file) throw Error(ExitCode::runtime, "cannot allocate a buffer for a target's output");
  }
  ~CapturedStream() {
    std::fclose(m_file);
    std::free(m_buffer);
  }
  CapturedStream(const CapturedStream&) = delete;
  CapturedStream& operator=(const CapturedStream&) = delete;
  std::FILE* file() { return m_file; }
  std::string text() {
    std::fflush(m_file);
    return std::string(m_buffer, m_size);
  }

 private:
  char* m_buffer = nullptr;
  size_t m_size = 0;
  std::FILE* m_file;
};

// What a status exit code says about the database, for the summary line.
std::string status_problem(int code) {
  switch (code) {
    case static_cast<int>(ExitCode::unknown_revisions):
      return "the database holds revisions the files do not know";
    case static_cast<int>(ExitCode::checksum_mismatch):
      return "an applied revision's file has changed since it was applied";
    case static_cast<int>(ExitCode::unadopted_database):
      return "no migrate state, but tables or another tool's history (adopt it first)";
    default:
      return "an interrupted run or an INVALID index (see `migrate status` on it)";
  }
}

class Runner {
 public:
  Runner(Environment& env, const FleetOptions& options, FleetKind kind,
         const std::function<int(Environment&)>& action, core::RevisionGraph graph)
      : m_env(env), m_options(options), m_kind(kind), m_action(action), m_graph(std::move(graph)) {
    m_run.command = env.command();
    m_run.kind = kind;
    for (const auto& target : options.targets) {
      TargetResult result;
      result.target = &target;
      result.schema = target.schema.empty() ? env.schema() : target.schema;
      m_run.results.push_back(std::move(result));
    }
    m_running.assign(m_run.results.size(), false);
    m_started.assign(m_run.results.size(), steady_clock::time_point{});
  }

  FleetRun run() {
    std::vector<size_t> waves =
        m_kind == FleetKind::apply
            ? core::plan_waves(m_run.results.size(), {m_options.canary, m_options.wave_percent})
            : std::vector<size_t>{m_run.results.size()};
    std::thread live;
    if (m_options.live) live = std::thread([this] { live_loop(); });
    size_t begin = 0, failures = 0;
    for (size_t wave = 0; wave < waves.size(); ++wave) {
      if (engine::g_interrupted) break;
      size_t end = begin + waves[wave];
      run_wave(begin, end, static_cast<int>(wave + 1));
      size_t wave_failures = 0;
      for (size_t i = begin; i < end; ++i)
        wave_failures += m_run.results[i].state == core::TargetState::failed;
      failures += wave_failures;
      begin = end;
      if (m_kind == FleetKind::apply && end < m_run.results.size() &&
          core::stop_after_wave(m_options.canary > 0 && wave == 0, wave_failures, failures,
                                m_options.max_failures)) {
        m_run.stopped = m_options.canary > 0 && wave == 0
                            ? fmt::format("stopped after the canary wave: {} of {} failed",
                                          wave_failures, waves[0])
                            : fmt::format(
                                  "stopped after wave {} of {}: {} failure{}, more than "
                                  "--max-failures {}",
                                  wave + 1, waves.size(), failures, failures == 1 ? "" : "s",
                                  m_options.max_failures);
        break;
      }
    }
    bool skipped = false;
    for (const auto& result : m_run.results) skipped |= result.wave == 0;
    if (engine::g_interrupted && skipped)
      m_run.stopped = "interrupted: no target was started after the signal";
    {
      std::lock_guard<std::mutex> lock(m_print);
      m_done = true;
    }
    m_wake.notify_all();
    if (live.joinable()) live.join();

    std::vector<core::TargetOutcome> outcomes;
    for (const auto& result : m_run.results) outcomes.push_back({result.state, result.exit_code});
    m_run.exit_code = core::summarize_exit_code(outcomes);
    if (engine::g_interrupted && skipped) m_run.exit_code = static_cast<int>(ExitCode::interrupted);
    return std::move(m_run);
  }

 private:
  void run_wave(size_t begin, size_t end, int wave) {
    std::atomic<size_t> next{begin};
    auto worker = [&] {
      for (size_t i = next++; i < end; i = next++) {
        // In-flight targets finish their current revision; no new one starts.
        if (engine::g_interrupted) return;
        m_run.results[i].wave = wave;
        run_target(i);
      }
    };
    size_t count =
        std::min<size_t>(static_cast<size_t>(std::max(1, m_options.parallel)), end - begin);
    std::vector<std::thread> threads;
    for (size_t i = 1; i < count; ++i) threads.emplace_back(worker);
    worker();
    for (auto& thread : threads) thread.join();
  }

  // The files' source (git describe) is asked once, not once per target.
  std::string source(const std::string& flag) {
    std::lock_guard<std::mutex> lock(m_source_mutex);
    auto found = m_sources.find(flag);
    if (found == m_sources.end()) found = m_sources.emplace(flag, m_env.source(flag)).first;
    return found->second;
  }

  // The hint of a single run points at --database-url; here the target's line does.
  std::unique_ptr<engine::Database> connect(const core::Target& target, const std::string& schema) {
    try {
      return m_env.connect_to(target.url, schema);
    } catch (const Error& error) {
      throw Error(error.code(), error.what(),
                  fmt::format("check target '{}' (line {} of the targets file) and that its "
                              "server is running; the other targets are not affected",
                              target.name, target.line));
    }
  }

  void run_target(size_t index) {
    TargetResult& result = m_run.results[index];
    const core::Target& target = *result.target;
    {
      std::lock_guard<std::mutex> lock(m_print);
      m_running[index] = true;
      m_started[index] = steady_clock::now();
    }
    Settings settings = m_env.settings();
    settings.schema = result.schema;
    settings.json = true;
    settings.database_given = true;
    settings.database_display = core::redact_connection_string(target.url);
    CapturedStream captured;
    report::TerminalReporter reporter(captured.file(), report::Style{}, report::Verbosity::normal);
    std::ostringstream out;
    Environment::Seams seams{
        [this] { return m_graph; },
        [this](const std::string& spec) { return m_env.load_release(spec); },
        [this, &target, schema = settings.schema] { return connect(target, schema); },
        [this](const std::string& flag) { return source(flag); },
        reporter,
        out,
        report::Style{},
        m_env.prompt(),
        m_env.clock(),
        {},  // no dump_schema: dump does not run over a fleet
        m_env.seams().connect_to};
    Environment environment(settings, std::move(seams));
    const auto start = steady_clock::now();
    int code = 0;
    try {
      code = m_action(environment);
    } catch (const Error& error) {
      code = static_cast<int>(error.code());
      result.error = core::redact_secrets(core::redact_in_message(error.what(), target.url));
      result.hint = core::redact_secrets(core::redact_in_message(error.hint(), target.url));
    } catch (const std::exception& error) {
      code = static_cast<int>(ExitCode::runtime);
      result.error = core::redact_secrets(core::redact_in_message(error.what(), target.url));
      result.hint = "this is unexpected; please report it with the command you ran";
    }
    result.took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    result.exit_code = code;
    result.state = code == 0 ? core::TargetState::succeeded : core::TargetState::failed;
    if (result.error.empty()) {
      result.result = nlohmann::json::parse(out.str(), nullptr, false);
      if (result.result.is_discarded()) result.result = nullptr;
      if (code != 0) result.error = status_problem(code);
    }
    result.output = captured.text();
    finished(index);
  }

  void finished(size_t index) {
    const TargetResult& result = m_run.results[index];
    std::lock_guard<std::mutex> lock(m_print);
    m_running[index] = false;
    ++m_finished;
    m_failed += result.state == core::TargetState::failed;
    bool failed = result.state == core::TargetState::failed;
    if (!failed && m_options.blocks != FleetBlocks::all) return;
    std::string block =
        fmt::format("--- {} ({}): {}", result.target->name,
                    core::redact_connection_string(result.target->url), result_text(result));
    if (!failed) block += ", " + core::format_duration(result.took);
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) block += "\n  " + line;
    if (failed) {
      block += "\n  error: " + result.error;
      if (!result.hint.empty()) block += "\n  hint: " + result.hint;
    }
    clear_live();
    m_env.reporter().info(block);
  }

  // Called with m_print held.
  void clear_live() {
    if (m_options.live && m_live_shown) {
      std::fputs("\r\033[K", m_options.live);
      m_live_shown = false;
    }
  }

  void live_loop() {
    std::unique_lock<std::mutex> lock(m_print);
    while (!m_done) {
      size_t running = 0;
      std::string slowest;
      auto oldest = steady_clock::time_point::max();
      for (size_t i = 0; i < m_running.size(); ++i) {
        if (!m_running[i]) continue;
        ++running;
        if (m_started[i] < oldest) {
          oldest = m_started[i];
          slowest = m_run.results[i].target->name;
        }
      }
      std::string line = fmt::format("fleet: {}/{} done, {} running, {} failed", m_finished,
                                     m_running.size(), running, m_failed);
      if (!slowest.empty())
        line += fmt::format("; slowest {} ({})", slowest,
                            core::format_duration(std::chrono::duration_cast<milliseconds>(
                                steady_clock::now() - oldest)));
      std::fprintf(m_options.live, "\r\033[K%s", line.c_str());
      std::fflush(m_options.live);
      m_live_shown = true;
      m_wake.wait_for(lock, k_live_every);
    }
    clear_live();
    std::fflush(m_options.live);
  }

  Environment& m_env;
  const FleetOptions& m_options;
  FleetKind m_kind;
  const std::function<int(Environment&)>& m_action;
  const core::RevisionGraph m_graph;
  FleetRun m_run;

  std::mutex m_source_mutex;
  std::map<std::string, std::string> m_sources;

  // Guards what the live line reads and everything printed on stderr.
  std::mutex m_print;
  std::condition_variable m_wake;
  bool m_done = false;
  bool m_live_shown = false;
  size_t m_finished = 0;
  size_t m_failed = 0;
  std::vector<bool> m_running;
  std::vector<steady_clock::time_point> m_started;
};

}  // namespace

int run_fleet(Environment& env, const FleetOptions& options, FleetKind kind,
              const std::function<int(Environment&)>& action) {
  if (options.parallel < 1)
    throw usage_error(
        fmt::format("--parallel {}: at least one connection at a time is needed", options.parallel),
        "use --parallel 1 to run the targets one after another");
  // Any problem in the files stops the run before it connects anywhere;
  // lock status reads no files.
  core::RevisionGraph graph =
      kind == FleetKind::lock_status ? core::RevisionGraph{} : env.load_graph();
  Runner runner(env, options, kind, action, std::move(graph));
  FleetRun run = runner.run();
  if (env.json())
    write_json(env, fleet_json(run));
  else
    print_fleet_table(env.out(), run);
  return run.exit_code;
}

}  // namespace migrate::commands
