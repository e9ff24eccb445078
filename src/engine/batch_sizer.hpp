// The size of each backfill batch. Fixed (--batch-size) unless a time target
// is given (--batch-time), in which case batches are sized so that each takes
// about that long, as pt-online-schema-change's --chunk-time does: the rate
// of the batches so far (weighted toward the latest) times the target.
#pragma once

#include <chrono>

namespace migrate::engine {

class BatchSizer {
 public:
  // The largest batch a time target may reach.
  static constexpr long long k_max_rows = 1000000;

  // `first`: rows of the first batch (and of every batch when `target` is 0).
  BatchSizer(long long first, std::chrono::milliseconds target);

  // Rows for the next batch.
  long long next() const { return m_next; }
  // The batch just sized took `took` for `rows` rows. A batch grows at most
  // to twice the one before; it shrinks at once when batches slow down.
  void finished(long long rows, std::chrono::milliseconds took);

 private:
  std::chrono::milliseconds m_target;
  long long m_next;
  double m_rate = 0;  // rows per millisecond, weighted; 0: not measured yet
};

}  // namespace migrate::engine
