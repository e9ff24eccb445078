// What another tool (or a person) left in a database that migrate has not
// adopted: the state tables of known migration tools, and plain tables. The
// policy lives here: which table means which tool, and how the refusal reads.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"

namespace migrate::core {

// How a migration tool records its state, and how to read its newest version.
struct StateTableSignature {
  std::string tool;        // as the user knows it: "Alembic", "Flyway", ...
  std::string import_key;  // `migrate import --from KEY` ("" when there is no importer)
  std::string schema;      // "" when the table may sit in any schema
  std::string table;
  std::string newest_sql;  // one row, one text column; `{}` is the quoted relation
};

// Every state table migrate recognises, in the order findings are reported.
const std::vector<StateTableSignature>& known_state_tables();
// Schemas that belong to a tool as a whole (Sqitch, pgroll, Atlas), and tables
// a tool keeps beside its state table (locks, metadata): never user tables.
const std::vector<std::string>& tool_schemas();
const std::vector<std::string>& tool_companion_tables();

// A state table found in the database.
struct ForeignTable {
  std::string schema;
  std::string table;
  std::vector<std::string> columns;
  std::string newest;  // the newest version recorded ("" when unknown or empty)
};

// What a database holds besides migrate's own state.
struct ForeignState {
  bool migrate_state = false;            // migrate's revisions table exists
  std::vector<ForeignTable> tools;       // other tools' state tables
  std::vector<std::string> user_tables;  // "schema.table", sorted; at most a few
  long user_table_count = 0;             // all of them
};

// True when a writing command must refuse: no migrate state, but something else.
bool needs_adoption(const ForeignState& state);

// The signature a found table matches (schema_migrations is told apart by its
// columns: golang-migrate keeps a `dirty` flag, dbmate and Rails do not).
const StateTableSignature& signature_of(const ForeignTable& table);
std::string tool_name(const ForeignTable& table);

// "Alembic state table public.alembic_version, newest version 1a2b3c4d5e6f; 2 tables (public.a,
// public.b)"
std::string describe_foreign_state(const ForeignState& state);
// What to run to adopt the database ("adopt the database first: ..."), and
// the hint of the refusal ("nothing was changed; adopt ...").
std::string adoption_steps(const ForeignState& state);
std::string adoption_hint(const ForeignState& state);

// A writing command met a database migrate did not write (exit 8).
class UnadoptedDatabaseError : public Error {
 public:
  explicit UnadoptedDatabaseError(ForeignState state);
  const ForeignState& state() const { return m_state; }

 private:
  ForeignState m_state;
};

}  // namespace migrate::core
