#include "commands/confirm.hpp"

#include <fmt/format.h>

namespace migrate::commands {

bool confirm(const Environment& env, const std::string& what, const std::string& question) {
  if (!env.prompt().interactive())
    throw usage_error(fmt::format("{} needs confirmation", what),
                      "run it on a terminal, or add --yes");
  return env.prompt().confirm(question);
}

}  // namespace migrate::commands
