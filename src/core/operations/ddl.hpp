// Building blocks of the SQL that YAML operations render to: identifiers within
// PostgreSQL's 63-byte limit, DO blocks that check the catalog first (so every
// statement can run again after an interruption), and a writer of Steps.
#pragma once

#include <string>
#include <vector>

#include "core/operations/operation.hpp"
#include "core/step.hpp"

namespace migrate::core {

// Appends the steps of one operation (or one table's sync) to a list, all with
// the same file and line.
class StepWriter {
 public:
  StepWriter(std::vector<Step>& out, std::string path, int line);

  // A statement that may share a transaction with others.
  void statement(std::string sql, std::string description);
  // A statement that must get a transaction of its own (VALIDATE CONSTRAINT
  // scans the table; sharing a transaction with the ADD CONSTRAINT before it
  // would hold that statement's ACCESS EXCLUSIVE lock during the scan).
  void alone(std::string sql, std::string description);
  // CREATE INDEX CONCURRENTLY: outside any transaction; an invalid index of
  // this name, left by an interrupted build, is dropped first.
  void build_index(std::string sql, std::string description, const TableName& index);
  void backfill(Backfill spec, std::string description);
  // Raw SQL from the file, one step per statement.
  void script(const std::string& sql, std::string description);
  // A step that fails with `message`: the phase needs what the file does not say.
  void refusal(const std::string& message);
  // A precheck (see Step::precheck): `body` is the PL/pgSQL body of a DO block
  // that raises, with a message starting with location_literal(), when the
  // phase cannot run.
  void check(const std::string& body, std::string description, std::string hint);
  // 'path:line: ' as an SQL literal, to prefix messages a check raises.
  std::string location_literal() const;

 private:
  Step& add(std::string sql, std::string description);

  std::vector<Step>& m_out;
  std::string m_path;
  int m_line;
};

// `name` if it fits in 63 bytes, else its start and a hash of the whole, so
// that long generated names stay distinct and the same on every run.
std::string limited_identifier(const std::string& name);

// "DO $migrate$\n<body>\n$migrate$" with a dollar-quote tag absent from the body.
std::string do_block(const std::string& body);
// A DO block running `statement` only when the SQL condition holds.
std::string do_if(const std::string& condition, const std::string& statement);
// A tag such as $migrate$ that `text` does not contain.
std::string dollar_tag(const std::string& text);

// '"public"."users"'::regclass
std::string regclass(const TableName& table);
// Catalog conditions, for DO blocks.
std::string column_exists(const TableName& table, const std::string& column);
std::string column_is_not_null(const TableName& table, const std::string& column);
std::string constraint_exists(const TableName& table, const std::string& name);

// ALTER TABLE "public"."users" <action>
std::string alter_table(const TableName& table, const std::string& action);
// "a", "b"
std::string column_list(const std::vector<std::string>& columns);
// REFERENCES "public"."users" ("id") ON DELETE CASCADE
std::string references_clause(const ForeignKeyTarget& target);
// ADD CONSTRAINT "name" <definition> NOT VALID unless it exists: checks new
// writes at once, without scanning the table under a strong lock.
void add_constraint_not_valid(StepWriter& out, const TableName& table, const std::string& name,
                              const std::string& definition, const std::string& what);
// VALIDATE CONSTRAINT, alone: scans the table, letting writes go on.
void validate_constraint(StepWriter& out, const TableName& table, const std::string& name,
                         const std::string& what);

// NOT NULL without a long ACCESS EXCLUSIVE lock: a CHECK (column IS NOT NULL)
// added NOT VALID, validated alone, then SET NOT NULL (which uses the valid
// check instead of scanning) and the check dropped. With `only_if` (an SQL
// condition) the check is only added when it holds at run time, and the later
// steps only act when the check exists.
void set_not_null_steps(StepWriter& out, const TableName& table, const std::string& column,
                        const std::string& only_if = "");

}  // namespace migrate::core
