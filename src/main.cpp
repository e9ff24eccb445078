// migrate's entry point: parses the command line, runs one command, and is the
// only place that prints an error and chooses the exit code.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/signals.hpp"
#include "core/connection_string.hpp"
#include "core/error.hpp"
#include "engine/interruption.hpp"

namespace {

void print_error(const std::string& message, const std::string& hint) {
  fmt::print(stderr, "migrate: error: {}\n", message);
  if (!hint.empty()) fmt::print(stderr, "hint: {}\n", hint);
}

}  // namespace

int main(int argc, char** argv) {
  migrate::cli::install_signal_handlers();
  migrate::cli::App app;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.cli().exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.cli().exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.cli().exit(e);
  } catch (const migrate::Error& e) {
    print_error(e.what(), e.hint());
    return static_cast<int>(e.code());
  } catch (const CLI::ParseError& e) {
    // A connection string in the wrong place is quoted back by CLI11.
    print_error(migrate::core::redact_secrets(e.what()), "see `migrate --help`");
    return static_cast<int>(migrate::ExitCode::usage);
  }
  // With --json, a failure is also one JSON object on stdout, so that
  // pipelines reading stdout always get something to parse.
  // No error shows a password, whichever code wrote it.
  auto fail = [&](const std::string& raw_message, const std::string& raw_hint,
                  migrate::ExitCode code) {
    std::string message = migrate::core::redact_secrets(raw_message);
    std::string hint = migrate::core::redact_secrets(raw_hint);
    print_error(message, hint);
    if (app.json())
      std::cout << nlohmann::json{{"error", message},
                                  {"hint", hint},
                                  {"exit_code", static_cast<int>(code)}}
                       .dump(2)
                << '\n';
    return static_cast<int>(code);
  };
  try {
    return app.run();
  } catch (const migrate::Error& e) {
    return fail(e.what(), e.hint(), e.code());
  } catch (const std::exception& e) {
    return fail(e.what(), "this is unexpected; please report it with the command you ran",
                migrate::ExitCode::runtime);
  }
}
