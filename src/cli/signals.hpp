// How migrate answers SIGINT and SIGTERM. The first asks the run to stop
// cleanly between steps (engine::g_interrupted); a second one ends it at once.
// Where nothing can stop cleanly because libpq blocks (it retries its poll on
// EINTR while connecting), an ExitOnSignal makes the first one end it at once.
#pragma once

#include <string>

namespace migrate::cli {

enum class JsonErrors { yes, no };

// Installs the SIGINT and SIGTERM handlers; call once, first thing in main.
void install_signal_handlers();

// While one lives, the first SIGINT or SIGTERM prints `message` as an error
// (and, with JsonErrors::yes, the error object on stdout) and ends the process
// with exit 130. Not nested.
class ExitOnSignal {
 public:
  ExitOnSignal(const std::string& message, JsonErrors json);
  ~ExitOnSignal();
  ExitOnSignal(const ExitOnSignal&) = delete;
  ExitOnSignal& operator=(const ExitOnSignal&) = delete;

 private:
  std::string m_stderr;
  std::string m_stdout;
};

}  // namespace migrate::cli
