// The SQL of a batched backfill by primary key: the range it walks, one batch
// (pick the next keys, update those rows, save the new position, in one
// statement), and, for `--sql`, the same batches as a loop that psql runs.
#pragma once

#include <string>
#include <vector>

#include "engine/database_types.hpp"
#include "engine/state_sql.hpp"

namespace migrate::engine {

// One row: the largest key as text[] (NULL for an empty table), and the
// number of rows after `after` up to it.
std::string backfill_range_sql(const BackfillTarget& target, const std::vector<std::string>& after);

// One batch with literal bounds. One row: rows picked, the last key picked as text[].
std::string backfill_batch_sql(const BackfillBatch& batch, const StateSql& state);

// A DO block that runs every batch of the backfill, each committed on its own,
// resuming from the saved position and stopping at the largest key it sees at
// its start: what `upgrade` does, for psql (outside an explicit transaction).
std::string backfill_loop_sql(const BackfillBatch& batch, const StateSql& state);

}  // namespace migrate::engine
