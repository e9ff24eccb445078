// The sync trigger of one table in one revision: while old and new application
// versions run side by side, it fills the new columns of rows the old version
// writes (from `up`) and the old columns of rows the new version writes (from
// `down`); and the backfill that fills the rows that existed before it.
// docs/yaml-operations.md describes the rules.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/operations/ddl.hpp"
#include "core/operations/operation.hpp"
#include "core/step.hpp"

namespace migrate::core {

// A column and the expression that computes it from the rest of the row.
struct ComputedColumn {
  std::string column;
  std::string expression;
};

// What the column operations of one revision need kept in sync on one table.
struct SyncTable {
  TableName table;
  int line = 0;  // the first operation on the table
  // Columns only the old version writes (dropped or replaced in contract).
  std::vector<std::string> old_columns;
  // New columns computed from old-shape rows; the trigger and the backfill fill them.
  std::vector<ComputedColumn> up;
  // Old columns computed from new-shape rows; the trigger fills them.
  std::vector<ComputedColumn> down;
  // New columns that both versions leave to the trigger (the shadow column of
  // an in-place type change): computed whenever a row has none, whoever writes.
  std::vector<ComputedColumn> derived;
  // New columns whose default is not a constant: only the backfill fills them.
  std::vector<ComputedColumn> defaults;
  // Shadow column -> the name it takes in contract, swapped with the trigger gone.
  std::vector<std::pair<std::string, std::string>> swaps;

  bool has_trigger() const { return !up.empty() || !down.empty() || !derived.empty(); }
  bool has_backfill() const { return !up.empty() || !derived.empty() || !defaults.empty(); }
};

// The sync needs of a revision, one entry per table, in order of first use.
class SyncPlan {
 public:
  SyncTable& table(const TableName& table, int line);
  const std::vector<SyncTable>& tables() const { return m_tables; }

 private:
  std::vector<SyncTable> m_tables;
};

// "migrate_sync_<revision>_<table>", within 63 bytes: the name of both the
// trigger and its function (in the table's schema).
std::string sync_trigger_name(const std::string& revision, const TableName& table);

// CREATE OR REPLACE FUNCTION of the trigger's plpgsql function.
std::string sync_function_sql(const SyncTable& sync, const std::string& revision);

// The backfill of rows that existed before the trigger: every `up` column from
// its expression, only where the row has none of them yet (so a row the new
// version wrote is never recomputed), and every `derived` and `defaults`
// column that is still NULL.
Backfill sync_backfill(const SyncTable& sync);

// Expand: the function, the trigger (if missing), then the backfill.
void install_sync(const SyncTable& sync, const std::string& revision, StepWriter& out);

// Contract and rollback: the trigger and its function. In contract the
// shadow columns are swapped in the same statement that drops the trigger, so
// no write lands between the two.
enum class Swap { yes, no };
void remove_sync(const SyncTable& sync, const std::string& revision, Swap swap, StepWriter& out);

}  // namespace migrate::core
