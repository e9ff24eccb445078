// The backfill progress bar as one line that fits the terminal: the bar
// shrinks first, then the rate and the ETA go, so that a redraw never wraps.
#pragma once

#include <string>

namespace migrate::report {

// Columns assumed when neither the terminal nor COLUMNS says.
constexpr int k_default_columns = 80;

struct Progress {
  std::string table;
  long long done = 0;
  long long total = 0;
  double rate = 0;  // rows per second
  std::string eta;  // "12.0s"
};

// At most columns - 1 characters (the last column would wrap on some
// terminals), no escape sequences.
std::string progress_line(const Progress& progress, int columns);

}  // namespace migrate::report
