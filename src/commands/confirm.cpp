#include "commands/confirm.hpp"

#include <fmt/format.h>

#include <iostream>

namespace migrate::commands {

bool confirm(const cli::Context& context, const std::string& what, const std::string& question) {
  if (!context.stdin_is_terminal())
    throw usage_error(fmt::format("{} needs confirmation", what),
                      "run it on a terminal, or add --yes");
  std::cerr << question << " [y/N] ";
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace migrate::commands
