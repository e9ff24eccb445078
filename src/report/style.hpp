// Colours and emphasis for text shown to people: on only on a terminal, and
// off when NO_COLOR is set.
#pragma once

#include <cstdio>
#include <string>

namespace migrate::report {

struct Style {
  bool color = false;
  bool terminal = false;

  // Decides from the stream and the environment variable NO_COLOR (passed in by the CLI).
  static Style detect(std::FILE* stream, bool no_color);
  std::string bold(const std::string& text) const;
  std::string green(const std::string& text) const;
  std::string yellow(const std::string& text) const;
  std::string red(const std::string& text) const;
  std::string dim(const std::string& text) const;
};

}  // namespace migrate::report
