// The reporter on a stream that stands for a terminal: the progress bar fits
// the width it is given when the stream cannot say its own, and a bar still
// shown is ended before anything else (an error after Ctrl-C) is printed.
#include "report/terminal_reporter.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

using migrate::report::Style;
using migrate::report::TerminalReporter;
using migrate::report::Verbosity;

namespace {

std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, got);
  return text;
}

// A terminal without colours (a temporary file cannot say its width).
Style terminal() {
  Style style;
  style.terminal = true;
  return style;
}

}  // namespace

TEST_CASE("TerminalReporter: the bar is redrawn within the columns it is given") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    TerminalReporter reporter(file, terminal(), Verbosity::normal, 60);
    reporter.backfill_progress("public.users", 500, 1000, std::chrono::milliseconds(1000), false);
  }
  std::string text = contents(file);
  std::fclose(file);
  REQUIRE(text.rfind("\r\033[K", 0) == 0);
  std::string line = text.substr(4, text.find('\n') - 4);
  CHECK(line.size() <= 59);
  CHECK(line.find("backfill public.users [") != std::string::npos);
}

TEST_CASE("TerminalReporter: a bar still shown is ended when the reporter goes") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    TerminalReporter reporter(file, terminal(), Verbosity::normal, 80);
    reporter.backfill_progress("t", 1, 10, std::chrono::milliseconds(10), false);
  }
  std::string text = contents(file);
  std::fclose(file);
  CHECK(text.back() == '\n');
}

TEST_CASE("TerminalReporter: a line replaces the bar instead of following it") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  {
    TerminalReporter reporter(file, terminal(), Verbosity::normal, 80);
    reporter.backfill_progress("t", 1, 10, std::chrono::milliseconds(10), false);
    reporter.warning("something");
  }
  std::string text = contents(file);
  std::fclose(file);
  CHECK_THAT(text, Catch::EndsWith("\r\033[Kwarning: something\n"));
}

TEST_CASE("Style::detect: --color decides, else a terminal without NO_COLOR or TERM=dumb") {
  using migrate::report::ColorChoice;
  std::FILE* file = std::tmpfile();  // not a terminal
  REQUIRE(file);
  CHECK(Style::detect(file, ColorChoice::always, {true, true}).color);
  CHECK_FALSE(Style::detect(file, ColorChoice::automatic, {}).color);
  CHECK_FALSE(Style::detect(file, ColorChoice::never, {}).color);
  CHECK_FALSE(Style::detect(file, ColorChoice::automatic, {}).terminal);
  std::fclose(file);
  CHECK(Style::choice_named("always") == ColorChoice::always);
  CHECK(Style::choice_named("never") == ColorChoice::never);
  CHECK(Style::choice_named("auto") == ColorChoice::automatic);
}
