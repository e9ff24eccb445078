// Inside the operations module: how each kind of operation is read from YAML,
// what it adds to the revision's sync triggers, and which steps it renders in
// each phase. operation.cpp dispatches; operation_render.cpp orders the steps.
#pragma once

#include <string>
#include <vector>

#include "core/operations/ddl.hpp"
#include "core/operations/field_reader.hpp"
#include "core/operations/operation.hpp"
#include "core/operations/sync_trigger.hpp"

namespace migrate::core {

// Where one operation's steps go within a phase (see render_operations):
struct OperationSteps {
  StepWriter refusals;  // first of all: the phase cannot run as the file stands
  StepWriter main;      // in operation order (reverse for rollback and down)
  StepWriter late;      // after the sync triggers: post-backfill work, removals
};

// Reading. Each reads the keys operation.cpp allows for its kind.
SqlOp parse_sql_op(FieldReader& fields);
AddColumnOp parse_add_column(FieldReader& fields);
DropColumnOp parse_drop_column(FieldReader& fields);
AlterColumnOp parse_rename_column(FieldReader& fields);
AlterColumnOp parse_alter_column(FieldReader& fields);
CreateIndexOp parse_create_index(FieldReader& fields);
DropIndexOp parse_drop_index(FieldReader& fields);
AddConstraintOp parse_add_constraint(FieldReader& fields);
CreateTableOp parse_create_table(FieldReader& fields);
DropTableOp parse_drop_table(FieldReader& fields);

// `references: users` or `references: {table, column, on_delete, on_update}`.
std::optional<ForeignKeyTarget> read_references(FieldReader& fields, const std::string& key);
// cascade, restrict, set null, set default, no action -> upper case; "" when absent.
std::string read_referential_action(FieldReader& fields, const std::string& key);

// What column operations need from the revision's sync trigger of their table.
template <class Spec>
void add_sync(const Spec&, int, SyncPlan&) {}
void add_sync(const AddColumnOp& op, int line, SyncPlan& plan);
void add_sync(const DropColumnOp& op, int line, SyncPlan& plan);
void add_sync(const AlterColumnOp& op, int line, SyncPlan& plan);

// The steps of each kind in each phase.
void render(const SqlOp& op, Phase phase, OperationSteps& out);
void render(const AddColumnOp& op, Phase phase, OperationSteps& out);
void render(const DropColumnOp& op, Phase phase, OperationSteps& out);
void render(const AlterColumnOp& op, Phase phase, OperationSteps& out);
void render(const CreateIndexOp& op, Phase phase, OperationSteps& out);
void render(const DropIndexOp& op, Phase phase, OperationSteps& out);
void render(const AddConstraintOp& op, Phase phase, OperationSteps& out);
void render(const CreateTableOp& op, Phase phase, OperationSteps& out);
void render(const DropTableOp& op, Phase phase, OperationSteps& out);

// The column an alter_column writes during expand: `name`, or a shadow column
// that takes the old column's name in contract.
std::string new_column_of(const AlterColumnOp& op);

}  // namespace migrate::core
