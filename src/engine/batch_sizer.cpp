#include "engine/batch_sizer.hpp"

#include <algorithm>

namespace migrate::engine {

BatchSizer::BatchSizer(long long first, std::chrono::milliseconds target)
    : m_target(target), m_next(std::max(1LL, first)) {}

void BatchSizer::finished(long long rows, std::chrono::milliseconds took) {
  if (m_target.count() <= 0 || rows <= 0) return;
  // A batch quicker than the clock can tell counts as one millisecond.
  double rate =
      static_cast<double>(rows) / static_cast<double>(std::max<long long>(1, took.count()));
  m_rate = m_rate == 0 ? rate : 0.5 * m_rate + 0.5 * rate;
  auto ideal = static_cast<long long>(m_rate * static_cast<double>(m_target.count()));
  m_next = std::clamp(ideal, 1LL, std::min(k_max_rows, 2 * m_next));
}

}  // namespace migrate::engine
