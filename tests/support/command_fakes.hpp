// Fakes of the commands' seams for unit tests of commands.
#pragma once

#include <string>

#include "commands/environment.hpp"

namespace migrate::testing {

// A prompt off a terminal: it never asks, and every question is answered no.
class NoPrompt : public commands::Prompt {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
};

}  // namespace migrate::testing
