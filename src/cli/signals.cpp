#include "cli/signals.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <nlohmann/json.hpp>

#include "commands/json_document.hpp"
#include "core/error.hpp"
#include "engine/executor.hpp"

namespace migrate::cli {

namespace {

// What to print before exiting at once; null while a signal only sets
// engine::g_interrupted. Only lock-free loads happen in the handler.
std::atomic<const ExitOnSignal*> g_exit_now{nullptr};
std::atomic<const char*> g_exit_stderr{nullptr};
std::atomic<const char*> g_exit_stdout{nullptr};

void write_all(int fd, const char* text) {
  if (!text) return;
  size_t left = 0;
  while (text[left] != '\0') ++left;
  while (left > 0) {
    ssize_t written = ::write(fd, text, left);
    if (written <= 0) return;
    text += written;
    left -= static_cast<size_t>(written);
  }
}

void on_signal(int signal_number) {
  if (g_exit_now.load()) {
    write_all(STDERR_FILENO, g_exit_stderr.load());
    write_all(STDOUT_FILENO, g_exit_stdout.load());
    ::_exit(static_cast<int>(ExitCode::interrupted));
  }
  if (engine::g_interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

}  // namespace

void install_signal_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

ExitOnSignal::ExitOnSignal(const std::string& message, JsonErrors json)
    : m_stderr(fmt::format("migrate: error: {}\n", message)) {
  if (json == JsonErrors::yes)
    m_stdout = commands::json_document({{"kind", "interrupted"},
                                        {"error", message},
                                        {"hint", ""},
                                        {"exit_code", static_cast<int>(ExitCode::interrupted)}})
                   .dump(2) +
               "\n";
  g_exit_stderr = m_stderr.c_str();
  g_exit_stdout = m_stdout.empty() ? nullptr : m_stdout.c_str();
  g_exit_now = this;
  // A signal that came before this guard took over is honoured now.
  if (engine::g_interrupted) on_signal(SIGTERM);
}

ExitOnSignal::~ExitOnSignal() {
  g_exit_now = nullptr;
  g_exit_stdout = nullptr;
  g_exit_stderr = nullptr;
}

}  // namespace migrate::cli
