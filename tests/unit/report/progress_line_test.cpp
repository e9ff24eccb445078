// The backfill bar fits the terminal: never wider than columns - 1, the bar
// shrinking first, then the rate and the ETA dropped.
#include "report/progress_line.hpp"

#include <catch2/catch.hpp>

using migrate::report::Progress;
using migrate::report::progress_line;

namespace {

Progress half() { return {"public.users", 50000, 100000, 12345, "4.0s"}; }

}  // namespace

TEST_CASE("progress_line: wide terminals get the widest bar, rate and ETA") {
  CHECK(progress_line(half(), 200) ==
        "  backfill public.users [###############...............] 50000/100000 rows  12345 "
        "rows/s  ETA 4.0s");
}

TEST_CASE("progress_line: at 80 columns the bar shrinks and the line stays on one row") {
  std::string line = progress_line(half(), 80);
  CHECK(line.size() <= 79);
  CHECK(line == "  backfill public.users [#####......] 50000/100000 rows  12345 rows/s  ETA 4.0s");
}

TEST_CASE("progress_line: narrower, the rate goes, then the ETA, then the bar") {
  CHECK(progress_line(half(), 65) ==
        "  backfill public.users [#####.....] 50000/100000 rows  ETA 4.0s");
  CHECK(progress_line(half(), 60) == "  backfill public.users [#######........] 50000/100000 rows");
  CHECK(progress_line(half(), 50) == "  backfill public.users 50000/100000 rows");
  CHECK(progress_line(half(), 40) == "  backfill public.users 50000/100000 ro");
  for (int columns = 1; columns < 120; ++columns)
    CHECK(progress_line(half(), columns).size() <= static_cast<size_t>(std::max(columns, 20) - 1));
}

TEST_CASE("progress_line: an unknown total draws an empty bar") {
  CHECK(progress_line({"t", 10, 0, 1, "0ms"}, 80).find("[..") != std::string::npos);
}
