// Fakes for the engine's other seams: a clock whose sleeps only move its time
// forward, and a reporter that keeps what it was told.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/clock.hpp"
#include "engine/reporter.hpp"

namespace migrate::testing {

class FakeClock : public engine::Clock {
 public:
  time_point now() override { return m_now; }
  void sleep(std::chrono::milliseconds duration) override {
    m_now += duration;
    m_slept += duration;
    ++m_sleeps;
  }
  std::chrono::milliseconds slept() const { return m_slept; }
  int sleeps() const { return m_sleeps; }

 private:
  time_point m_now{};
  std::chrono::milliseconds m_slept{0};
  int m_sleeps = 0;
};

class RecordingReporter : public engine::Reporter {
 public:
  void info(const std::string& text) override { infos.push_back(text); }
  void warning(const std::string& text) override { warnings.push_back(text); }
  void lint_finding(const std::string& text) override { findings.push_back(text); }
  void revision_started(const std::string& id, const std::string&, core::Phase phase) override {
    started.push_back(id + ":" + core::to_string(phase));
  }
  void revision_finished(const std::string& id, core::Phase phase,
                         std::chrono::milliseconds) override {
    finished.push_back(id + ":" + core::to_string(phase));
  }
  void lock_waiting(const std::optional<engine::LockHolder>& holder,
                    std::chrono::milliseconds) override {
    waits.push_back(holder ? holder->session.pid : 0);
  }
  void lock_retry(const core::Step& step, int attempt, const std::vector<engine::Session>&,
                  std::chrono::milliseconds backoff) override {
    retries.push_back({step.origin(), attempt, backoff});
  }
  void blocker_terminated(const engine::Session& session) override {
    terminated.push_back(session.pid);
  }
  void backfill_progress(const std::string& table, long long done, long long total,
                         std::chrono::milliseconds, bool finished_now) override {
    backfill.push_back(table + " " + std::to_string(done) + "/" + std::to_string(total) +
                       (finished_now ? " done" : ""));
  }

  struct Retry {
    std::string origin;
    int attempt;
    std::chrono::milliseconds backoff;
  };
  std::vector<std::string> infos, warnings, findings, started, finished, backfill;
  std::vector<int> waits, terminated;
  std::vector<Retry> retries;
};

}  // namespace migrate::testing
