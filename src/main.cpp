// migrate's entry point: parses the command line, runs one command, and is the
// only place that prints an error and chooses the exit code.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "engine/interruption.hpp"

namespace {

void on_signal(int signal_number) {
  // First signal: stop cleanly between steps. Second: stop now.
  if (migrate::engine::g_interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

void print_error(const std::string& message, const std::string& hint) {
  fmt::print(stderr, "migrate: error: {}\n", message);
  if (!hint.empty()) fmt::print(stderr, "hint: {}\n", hint);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  migrate::cli::App app;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.cli().exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.cli().exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.cli().exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(e.what(), "see `migrate --help`");
    return static_cast<int>(migrate::ExitCode::usage);
  }
  // With --json, a failure is also one JSON object on stdout, so that
  // pipelines reading stdout always get something to parse.
  auto fail = [&](const std::string& message, const std::string& hint, migrate::ExitCode code) {
    print_error(message, hint);
    if (app.json())
      std::cout << nlohmann::json{{"error", message}, {"hint", hint}, {"exit_code", static_cast<int>(code)}}.dump(2)
                << '\n';
    return static_cast<int>(code);
  };
  try {
    return app.run();
  } catch (const migrate::Error& e) {
    return fail(e.what(), e.hint(), e.code());
  } catch (const std::exception& e) {
    return fail(e.what(), "this is unexpected; please report it with the command you ran", migrate::ExitCode::runtime);
  }
}
