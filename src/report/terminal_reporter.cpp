#include "report/terminal_reporter.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/duration.hpp"

namespace migrate::report {

using std::chrono::milliseconds;

TerminalReporter::TerminalReporter(std::FILE* stream, Style style, Verbosity verbosity, int columns)
    : m_stream(stream), m_style(style), m_verbosity(verbosity), m_columns(columns) {}

TerminalReporter::~TerminalReporter() {
  if (m_bar_shown) {
    std::fputc('\n', m_stream);
    std::fflush(m_stream);
  }
}

// Asked at each redraw: the terminal may have been resized.
int TerminalReporter::columns() const {
  winsize size{};
  if (ioctl(fileno(m_stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return m_columns > 0 ? m_columns : k_default_columns;
}

void TerminalReporter::clear_bar() {
  if (m_bar_shown) {
    std::fputs("\r\033[K", m_stream);
    m_bar_shown = false;
  }
}

void TerminalReporter::line(const std::string& text) {
  clear_bar();
  std::fputs(text.c_str(), m_stream);
  std::fputc('\n', m_stream);
  std::fflush(m_stream);
}

void TerminalReporter::info(const std::string& text) {
  if (m_verbosity != Verbosity::quiet) line(text);
}

void TerminalReporter::warning(const std::string& text) {
  line(m_style.yellow("warning: ") + text);
}

void TerminalReporter::lint_finding(const std::string& text) { line(text); }

void TerminalReporter::revision_started(const std::string& id, const std::string& message,
                                        core::Phase phase) {
  m_current_id = id;
  m_current_message = message;
  if (m_verbosity == Verbosity::verbose)
    line(m_style.dim(fmt::format("  {} {} ...", core::to_string(phase), id)));
}

void TerminalReporter::revision_finished(const std::string& id, core::Phase phase,
                                         milliseconds took) {
  if (m_verbosity == Verbosity::quiet) return;
  const char* verb = phase == core::Phase::expand     ? "applied"
                     : phase == core::Phase::contract ? "contracted"
                                                      : "reverted";
  line(fmt::format("  {} {}  {:<40} {}", m_style.green(verb), m_style.bold(id), m_current_message,
                   m_style.dim(core::format_duration(took))));
}

void TerminalReporter::lock_waiting(const std::optional<engine::LockHolder>& holder,
                                    milliseconds waited) {
  if (m_verbosity == Verbosity::quiet) return;
  std::string who =
      holder ? engine::describe_session(holder->session) : std::string("(holder just left)");
  if (holder && holder->has_row)
    who +=
        fmt::format("; `migrate {}` on {} since {}{}", holder->command, holder->host,
                    holder->started_at, holder->ci_job.empty() ? "" : ", CI job " + holder->ci_job);
  line(fmt::format("waiting for the migration lock ({} so far), held by {}",
                   core::format_duration(waited), who));
}

void TerminalReporter::lock_retry(const core::Step& step, int attempt,
                                  const std::vector<engine::Session>& blockers,
                                  milliseconds backoff) {
  std::string text =
      fmt::format("{}: lock not granted within lock_timeout (attempt {}), retrying in {}",
                  step.origin(), attempt, core::format_duration(backoff));
  if (blockers.empty())
    text +=
        "\n    (the blocking session could not be identified before lock_timeout ended the "
        "attempt)";
  for (const auto& session : blockers)
    text += "\n    blocked by " + engine::describe_session(session);
  line(m_style.yellow("retry: ") + text);
}

void TerminalReporter::blocker_terminated(const engine::Session& session) {
  line(m_style.yellow("terminated ") + engine::describe_session(session));
}

void TerminalReporter::backfill_progress(const std::string& table, long long done, long long total,
                                         milliseconds elapsed, bool finished) {
  if (m_verbosity == Verbosity::quiet) return;
  auto now = std::chrono::steady_clock::now();
  double seconds = std::max(0.001, static_cast<double>(elapsed.count()) / 1000.0);
  double rate = static_cast<double>(done) / seconds;
  std::string eta = rate > 0 && total > done
                        ? core::format_duration(milliseconds(static_cast<long long>(
                              static_cast<double>(total - done) / rate * 1000)))
                        : "0ms";
  if (finished) {
    line(fmt::format("  backfilled {} rows of {} in {} ({:.0f} rows/s)", done, table,
                     core::format_duration(elapsed), rate));
    return;
  }
  if (m_style.terminal) {
    if (now - m_last_draw < milliseconds(100)) return;
    m_last_draw = now;
    fmt::print(m_stream, "\r\033[K{}", progress_line({table, done, total, rate, eta}, columns()));
    std::fflush(m_stream);
    m_bar_shown = true;
  } else {
    if (now - m_last_draw < std::chrono::seconds(5)) return;
    m_last_draw = now;
    line(fmt::format("  backfill {}: {}/{} rows, {:.0f} rows/s, ETA {}", table, done, total, rate,
                     eta));
  }
}

}  // namespace migrate::report
