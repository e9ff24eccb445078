// The Reporter for people: progress and diagnostics on stderr, coloured only
// on a terminal and when NO_COLOR is unset; a redrawn progress bar sized to
// the terminal, a plain line every few seconds elsewhere.
#pragma once

#include <chrono>
#include <cstdio>

#include "engine/reporter.hpp"
#include "report/progress_line.hpp"
#include "report/style.hpp"

namespace migrate::report {

enum class Verbosity { quiet, normal, verbose };

class TerminalReporter : public engine::Reporter {
 public:
  // `columns`: the width to assume when the stream's terminal does not say
  // (COLUMNS, else 80).
  TerminalReporter(std::FILE* stream, Style style, Verbosity verbosity,
                   int columns = k_default_columns);
  // Ends a progress line still shown, so that what follows (an error after
  // Ctrl-C) starts on a line of its own.
  ~TerminalReporter() override;
  void set_verbosity(Verbosity verbosity) { m_verbosity = verbosity; }

  void info(const std::string& text) override;
  void warning(const std::string& text) override;
  void lint_finding(const std::string& text) override;
  void revision_started(const std::string& id, const std::string& message,
                        core::Phase phase) override;
  void revision_finished(const std::string& id, core::Phase phase,
                         std::chrono::milliseconds took) override;
  void lock_waiting(const std::optional<engine::LockHolder>& holder,
                    std::chrono::milliseconds waited) override;
  void lock_retry(const core::Step& step, int attempt, const std::vector<engine::Session>& blockers,
                  std::chrono::milliseconds backoff) override;
  void blocker_terminated(const engine::Session& session) override;
  void backfill_progress(const std::string& table, long long done, long long total,
                         std::chrono::milliseconds elapsed, bool finished) override;

 private:
  void line(const std::string& text);
  void clear_bar();
  int columns() const;

  std::FILE* m_stream;
  Style m_style;
  Verbosity m_verbosity;
  int m_columns;
  bool m_bar_shown = false;
  std::chrono::steady_clock::time_point m_last_draw{};
  std::string m_current_id;
  std::string m_current_message;
};

}  // namespace migrate::report
