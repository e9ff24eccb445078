// A Step is one unit of work the executor runs against the database: a SQL
// statement (inside or outside a transaction) or a batched backfill. Revisions
// are rendered to steps per phase; the executor never looks at file formats.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::core {

// The phases a revision goes through.
//   expand:   what `upgrade` runs (the whole migration for plain SQL revisions).
//   contract: what `contract` runs once no old application instance is left.
//   rollback: what `downgrade` runs for a revision that is expanded, not contracted.
//   down:     what `downgrade` runs for a revision that is complete.
enum class Phase { expand, contract, rollback, down };

const char* to_string(Phase phase);
// The phase to_string() names; nullopt for any other text.
std::optional<Phase> phase_named(std::string_view name);

// Fills columns of existing rows in batches by primary key, each batch its own
// short transaction. Rows written after the sync triggers exist are already
// correct, so the executor only walks keys up to the maximum seen at the start.
struct Backfill {
  std::string schema;        // unquoted, e.g. "public"
  std::string table;         // unquoted, e.g. "users"
  std::string set_clause;    // SQL after SET, e.g. "\"first\" = split_part(\"name\", ' ', 1)"
  std::string where_clause;  // optional SQL restricting rows that need work ("" = all)
};

struct Step {
  enum class Kind { statement, backfill };

  Kind kind = Kind::statement;
  std::string sql;  // Kind::statement: one SQL statement
  // COPY ... FROM stdin: the data sent after the statement, ending in the `\.` line.
  std::optional<std::string> copy_data;
  bool transactional = true;         // false: run alone, outside any transaction
  std::string path;                  // file the step comes from
  int line = 0;                      // line in that file (0 = generated for the whole file)
  std::string description;           // short human text ("add column users.first")
  std::optional<Backfill> backfill;  // Kind::backfill
  // For CREATE INDEX CONCURRENTLY: an index of this (schema-qualified, quoted)
  // name that exists but is invalid was left by an interrupted build and is
  // dropped before the statement runs again.
  std::string drop_if_invalid_index;
  // A read-only check that fails when the phase would lose something. The
  // executor runs the checks that open a revision's steps before it writes
  // anything for that revision, and reports a failure as the check's message
  // followed by `hint`.
  bool precheck = false;
  std::string hint;

  std::string origin() const;  // "path:line" or "path"
};

}  // namespace migrate::core
