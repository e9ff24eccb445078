// Durations as users write them: 500ms, 2s, 1.5s, 5m, 1h, or bare seconds.
#include "core/duration.hpp"

#include "support/test_helpers.hpp"

using migrate::core::format_duration;
using migrate::core::Milliseconds;
using migrate::core::parse_duration;

TEST_CASE("parse_duration: units ms, s, m, min and h") {
  CHECK(parse_duration("500ms", "--lock-wait") == Milliseconds(500));
  CHECK(parse_duration("2s", "--lock-wait") == Milliseconds(2000));
  CHECK(parse_duration("1.5s", "--lock-wait") == Milliseconds(1500));
  CHECK(parse_duration("5m", "--lock-wait") == Milliseconds(300'000));
  CHECK(parse_duration("5min", "--lock-wait") == Milliseconds(300'000));
  CHECK(parse_duration("1h", "--lock-wait") == Milliseconds(3'600'000));
  CHECK(parse_duration("0", "--lock-wait") == Milliseconds(0));
  CHECK(parse_duration("0.25ms", "--lock-wait") == Milliseconds(0));
}

TEST_CASE("parse_duration: a bare number means seconds") {
  CHECK(parse_duration("30", "--lock-wait") == Milliseconds(30'000));
  CHECK(parse_duration("0.5", "--lock-wait") == Milliseconds(500));
}

TEST_CASE("parse_duration: bad input is a usage error naming the flag") {
  for (std::string text :
       {"", "abc", "5x", "ms", "-1s", "5 s", "5sec", "1e999", "nan", "inf", "2s extra"}) {
    INFO("input: '" << text << "'");
    auto error = migrate::test::error_from([&] { parse_duration(text, "--lock-wait"); });
    CHECK(error.code() == migrate::ExitCode::usage);
    CHECK(std::string(error.what()) == "--lock-wait: '" + text + "' is not a duration");
    CHECK(error.hint() == "write durations like 500ms, 2s, 5m or 1h (at most a week)");
  }
}

// A value too large for the milliseconds counter must not wrap around into a
// negative (or garbage) duration: a negative --lock-wait or timeout silently
// changes behaviour. It is bad input.
TEST_CASE("parse_duration: a value too large to represent is a usage error") {
  for (std::string text : {"10000000000000h", "1e300s"}) {
    INFO("input: '" << text << "'");
    CHECK_THROWS_AS(parse_duration(text, "--lock-timeout"), migrate::Error);
  }
}

TEST_CASE("format_duration: milliseconds, seconds with a decimal, minutes and seconds") {
  CHECK(format_duration(Milliseconds(0)) == "0ms");
  CHECK(format_duration(Milliseconds(850)) == "850ms");
  CHECK(format_duration(Milliseconds(1000)) == "1.0s");
  CHECK(format_duration(Milliseconds(2000)) == "2.0s");
  CHECK(format_duration(Milliseconds(12'340)) == "12.3s");
  CHECK(format_duration(Milliseconds(60'000)) == "1m00s");
  CHECK(format_duration(Milliseconds(185'000)) == "3m05s");
  CHECK(format_duration(Milliseconds(3'600'000)) == "60m00s");
}
