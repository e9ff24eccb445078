// migrate's entry point: parses the command line, runs one command, and is the
// only place that prints an error and chooses the exit code.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/signals.hpp"
#include "commands/json_document.hpp"
#include "core/connection_string.hpp"
#include "core/error.hpp"
#include "engine/interruption.hpp"

namespace {

void print_error(const std::string& message, const std::string& hint) {
  fmt::print(stderr, "migrate: error: {}\n", message);
  if (!hint.empty()) fmt::print(stderr, "hint: {}\n", hint);
}

// No error shows a password, whichever code wrote it, in any of its fields.
void redact_strings(nlohmann::json& value) {
  if (value.is_string()) {
    value = migrate::core::redact_secrets(value.get<std::string>());
  } else if (value.is_structured()) {
    for (auto& item : value) redact_strings(item);
  }
}

void print_json(nlohmann::json document) {
  redact_strings(document);
  std::cout << document.dump(2) << '\n';
}

// A command line CLI11 could not parse may have stopped before it read
// --json; the word itself (before `--`) asks for JSON all the same.
bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return false;
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
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
    std::string message = migrate::core::redact_secrets(e.what());
    std::string hint = "see `migrate --help`";
    print_error(message, hint);
    if (app.json() || asks_for_json(argc, argv))
      print_json(migrate::commands::usage_error_document(message, hint));
    return static_cast<int>(migrate::ExitCode::usage);
  }
  // With --json, a failure is also one JSON document on stdout, so that
  // pipelines reading stdout always get something to parse.
  auto fail = [&](const std::exception& error, migrate::ExitCode code) {
    nlohmann::json document = migrate::commands::error_document(error);
    redact_strings(document);
    print_error(document["error"].get<std::string>(), document["hint"].get<std::string>());
    if (app.json()) print_json(std::move(document));
    return static_cast<int>(code);
  };
  try {
    return app.run();
  } catch (const migrate::Error& e) {
    return fail(e, e.code());
  } catch (const std::exception& e) {
    return fail(e, migrate::ExitCode::runtime);
  }
}
