// Asking a person before a command does something that cannot be taken back.
#pragma once

#include <string>

#include "commands/environment.hpp"

namespace migrate::commands {

// True when the user answers yes to `question` on the terminal. Off a terminal
// there is nobody to ask: throws a usage error (exit 2) saying that `what`
// needs confirmation and to add --yes.
bool confirm(const Environment& env, const std::string& what, const std::string& question);

}  // namespace migrate::commands
