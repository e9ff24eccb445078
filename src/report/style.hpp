// Colours and emphasis for text shown to people: by default on only on a
// terminal that is not TERM=dumb, and off when NO_COLOR is set; --color
// always/never decides instead.
#pragma once

#include <cstdio>
#include <string>

namespace migrate::report {

enum class ColorChoice { automatic, always, never };

// What the process environment says about the terminal (read by the CLI).
struct TerminalEnvironment {
  bool no_color = false;  // NO_COLOR is set
  bool dumb = false;      // TERM=dumb: no escape sequences
};

struct Style {
  bool color = false;
  bool terminal = false;  // a terminal that can redraw a line (not TERM=dumb)

  static Style detect(std::FILE* stream, ColorChoice choice, TerminalEnvironment environment);
  // "auto", "always" or "never" (checked by the command line).
  static ColorChoice choice_named(const std::string& name);
  std::string bold(const std::string& text) const;
  std::string green(const std::string& text) const;
  std::string yellow(const std::string& text) const;
  std::string red(const std::string& text) const;
  std::string dim(const std::string& text) const;
};

}  // namespace migrate::report
