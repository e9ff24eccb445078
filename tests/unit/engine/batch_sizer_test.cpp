// Backfill batches sized by a time target: toward the rows that take that
// long, never more than doubling, shrinking at once, within bounds.
#include "engine/batch_sizer.hpp"

#include <catch2/catch.hpp>

using migrate::engine::BatchSizer;
using std::chrono::milliseconds;

TEST_CASE("BatchSizer: without a target every batch has the first size") {
  BatchSizer sizer(5000, milliseconds(0));
  CHECK(sizer.next() == 5000);
  sizer.finished(5000, milliseconds(10));
  CHECK(sizer.next() == 5000);
  sizer.finished(5000, milliseconds(90000));
  CHECK(sizer.next() == 5000);
}

TEST_CASE("BatchSizer: grows at most twofold per batch toward the target") {
  BatchSizer sizer(100, milliseconds(500));  // 10 rows per ms: 5,000 rows take 500 ms
  CHECK(sizer.next() == 100);
  sizer.finished(100, milliseconds(10));
  CHECK(sizer.next() == 200);
  sizer.finished(200, milliseconds(20));
  CHECK(sizer.next() == 400);
  for (int i = 0; i < 10; ++i) sizer.finished(sizer.next(), milliseconds(sizer.next() / 10));
  CHECK(sizer.next() == 5000);
}

TEST_CASE("BatchSizer: shrinks at once when batches slow down") {
  BatchSizer sizer(5000, milliseconds(500));
  sizer.finished(5000, milliseconds(500));  // on target
  CHECK(sizer.next() == 5000);
  sizer.finished(5000, milliseconds(5000));  // ten times slower (traffic, a lock wait)
  // The weighted rate halves toward the new one at once: 5.5 rows/ms.
  CHECK(sizer.next() == 2750);
  sizer.finished(2750, milliseconds(2750));
  CHECK(sizer.next() < 2750);
}

TEST_CASE("BatchSizer: stays between 1 row and its maximum") {
  BatchSizer tiny(10, milliseconds(1));
  tiny.finished(10, milliseconds(100000));
  CHECK(tiny.next() == 1);
  BatchSizer huge(BatchSizer::k_max_rows, milliseconds(60000));
  huge.finished(BatchSizer::k_max_rows, milliseconds(0));  // quicker than the clock
  CHECK(huge.next() == BatchSizer::k_max_rows);
  BatchSizer none(0, milliseconds(100));
  CHECK(none.next() == 1);
}
