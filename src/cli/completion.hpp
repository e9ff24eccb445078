// Shell completion scripts (bash, zsh, fish) generated from the CLI11
// definition itself, so that they list exactly the commands and options the
// binary accepts. `migrate completion SHELL` prints one; the build installs all three.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace migrate::cli {

// The completion script of `app` for `shell` ("bash", "zsh" or "fish").
// Subcommands in no help group (hidden ones) are left out. Throws a usage
// error for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace migrate::cli
