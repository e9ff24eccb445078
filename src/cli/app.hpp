// Builds the command line (CLI11): global options that work before or after
// the subcommand, one subcommand per verb, each bound to its options struct.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/composition.hpp"
#include "commands/fleet.hpp"

namespace migrate::cli {

class App {
 public:
  App();
  // Parses argv; throws CLI::ParseError (help, version, bad usage), and a
  // usage Error for an unknown command (with a suggestion).
  void parse(int argc, char** argv);
  // Runs the chosen command and returns its exit code.
  int run();
  CLI::App& cli() { return m_app; }
  // Whether --json was given (errors are then also printed as JSON on stdout).
  bool json() const;

 private:
  struct Options;
  CLI::App m_app;
  std::shared_ptr<Options> m_options;
  std::string m_command;
  std::function<int(commands::Environment&)> m_action;
  const bool* m_prints_sql = nullptr;     // the chosen command's --sql flag, if it has one
  bool m_bare = false;                    // no command given
  std::vector<std::string> m_help_topic;  // `migrate help lock clear`: {"lock", "clear"}
  int run_help();
  std::optional<commands::FleetKind> m_fleet_kind;  // set when the command takes --targets
};

}  // namespace migrate::cli
