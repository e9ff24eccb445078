#include "report/progress_line.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace migrate::report {

namespace {

constexpr size_t k_widest_bar = 30;
constexpr size_t k_narrowest_bar = 10;

std::string bar(const Progress& progress, size_t width) {
  size_t filled = progress.total > 0 ? static_cast<size_t>(static_cast<double>(progress.done) /
                                                           static_cast<double>(progress.total) *
                                                           static_cast<double>(width))
                                     : 0;
  filled = std::min(filled, width);
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
}

}  // namespace

std::string progress_line(const Progress& progress, int columns) {
  const size_t room = static_cast<size_t>(std::max(columns, 20) - 1);
  const std::string head = "  backfill " + progress.table + " ";
  const std::string count = fmt::format(" {}/{} rows", progress.done, progress.total);
  const std::string rate = fmt::format("  {:.0f} rows/s", progress.rate);
  const std::string eta = "  ETA " + progress.eta;
  // What goes when the line is too long: the rate first, then the ETA.
  for (const std::string& tail : {rate + eta, eta, std::string()}) {
    size_t fixed = head.size() + 2 + count.size() + tail.size();
    if (fixed + k_narrowest_bar <= room)
      return head + bar(progress, std::min(k_widest_bar, room - fixed)) + count + tail;
  }
  std::string line = head + count.substr(1);
  if (line.size() > room) line.resize(room);
  return line;
}

}  // namespace migrate::report
