// What depends on a column that an operation replaces by a new one (rename,
// type change through a shadow column): indexes, constraints of both ends of
// a foreign key, views, owned sequences, triggers, policies, statistics and
// generated columns. Only the database knows them, so the check is SQL.
#pragma once

#include <string>

#include "core/operations/ddl.hpp"

namespace migrate::core {

// Adds a precheck that fails, naming each object that depends on `column`
// of `table` and would be lost with it, when there is any. `what` says what
// the operation does ("renaming public.users.email to mail"), `in_place` the
// plain DDL that would keep them, for the hint. The default and NOT NULL are
// not in the list: the operations carry them over.
void refuse_column_dependents(StepWriter& out, const TableName& table, const std::string& column,
                              const std::string& what, const std::string& in_place);

}  // namespace migrate::core
