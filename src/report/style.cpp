#include "report/style.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace migrate::report {

Style Style::detect(std::FILE* stream, ColorChoice choice, TerminalEnvironment environment) {
  Style style;
  style.terminal = isatty(fileno(stream)) == 1 && !environment.dumb;
  style.color = choice == ColorChoice::always ||
                (choice == ColorChoice::automatic && style.terminal && !environment.no_color);
  return style;
}

ColorChoice Style::choice_named(const std::string& name) {
  if (name == "always") return ColorChoice::always;
  if (name == "never") return ColorChoice::never;
  return ColorChoice::automatic;
}

static std::string paint(bool on, const char* code, const std::string& text) {
  return on ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

std::string Style::bold(const std::string& text) const { return paint(color, "1", text); }
std::string Style::green(const std::string& text) const { return paint(color, "32", text); }
std::string Style::yellow(const std::string& text) const { return paint(color, "33", text); }
std::string Style::red(const std::string& text) const { return paint(color, "31", text); }
std::string Style::dim(const std::string& text) const { return paint(color, "2", text); }

}  // namespace migrate::report
