#include "core/checks/lint_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace migrate::core {

using parse_tree::body_of;
using parse_tree::field;
using parse_tree::flag;
using parse_tree::Node;
using parse_tree::relation_name;
using parse_tree::strings;
using parse_tree::text;

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> rules = {
      {"syntax", Severity::error},
      {"concurrently-in-transaction", Severity::error},
      {"index-not-concurrent", Severity::warning},
      {"drop-in-up", Severity::warning},
      {"rename", Severity::warning},
      {"add-column-volatile-default", Severity::warning},
      {"column-type-change", Severity::warning},
      {"not-null-without-check", Severity::warning},
      {"add-constraint-not-valid", Severity::warning},
      {"missing-down", Severity::warning},
      {"add-column-not-null", Severity::warning},
      {"table-rewrite", Severity::warning},
      {"lock-table", Severity::warning},
      {"lint-ignore", Severity::error},
  };
  return rules;
}

static Severity severity_of(const char* rule) {
  const auto& rules = lint_rules();
  auto found = std::find_if(rules.begin(), rules.end(),
                            [&](const LintRule& r) { return std::string(r.id) == rule; });
  if (found == rules.end())
    throw std::logic_error(std::string("lint rule not in lint_rules(): ") + rule);
  return found->severity;
}

StatementCheck::StatementCheck(const Step& step, Phase phase, bool all_rules, bool sql_file,
                               LintMemory& memory, std::vector<LintFinding>& findings,
                               const std::string& path, const LintContext& context)
    : step(step),
      phase(phase),
      all_rules(all_rules),
      sql_file(sql_file),
      memory(memory),
      context(context),
      m_findings(findings),
      m_path(path) {}

std::string StatementCheck::contract_place() const {
  return sql_file ? "`-- migrate:contract`" : "the operation's `contract`";
}

void StatementCheck::report(const char* rule, std::string message, std::string hint) {
  m_findings.push_back(
      {severity_of(rule), rule, m_path, step.line, std::move(message), std::move(hint)});
}

void StatementCheck::no_transaction(const std::string& what) {
  if (!step.transactional) return;
  report(
      "concurrently-in-transaction",
      fmt::format("{} cannot run inside a transaction block, and this revision runs in one", what),
      sql_file ? "add `-- migrate:transaction off` to the header: the file then runs statement "
                 "by statement, outside a transaction"
               : "set `transaction: false` in the file: its statements then run one by one, "
                 "outside a transaction");
}

namespace {

// Functions whose value differs per row: as a column default, PostgreSQL must
// write it into every existing row.
const std::set<std::string> k_volatile_functions = {
    "random",           "random_normal",    "clock_timestamp",  "timeofday",
    "gen_random_uuid",  "gen_random_bytes", "uuid_generate_v1", "uuid_generate_v1mc",
    "uuid_generate_v4", "nextval"};
const std::set<std::string> k_serial_types = {"serial",  "serial2",   "serial4",
                                              "serial8", "bigserial", "smallserial"};

// Columns that a CHECK expression proves NOT NULL: `c IS NOT NULL`, alone or in an AND.
std::vector<std::string> not_null_columns(const Node& expression) {
  std::vector<std::string> columns;
  const Node& test = field(expression, "NullTest");
  if (!test.is_null()) {
    if (text(test, "nulltesttype") != "IS_NOT_NULL") return columns;
    std::vector<std::string> ref = strings(field(field(field(test, "arg"), "ColumnRef"), "fields"));
    if (!ref.empty()) columns.push_back(ref.back());
    return columns;
  }
  const Node& boolean = field(expression, "BoolExpr");
  if (text(boolean, "boolop") == "AND_EXPR")
    for (const Node& argument : field(boolean, "args"))
      for (auto& column : not_null_columns(argument)) columns.push_back(std::move(column));
  return columns;
}

// Why adding this column writes every existing row, or "" when it does not.
// "name" or "schema.name" of a FuncCall node.
std::string function_name(const Node& call) {
  std::vector<std::string> name = strings(field(call, "funcname"));
  std::string joined;
  for (const auto& part : name) joined += (joined.empty() ? "" : ".") + part;
  return joined;
}

// Every function call in `expression`, those in other calls' arguments too.
void all_calls(const Node& expression, std::vector<const Node*>& calls) {
  for (const Node* call : parse_tree::find_nodes(expression, "FuncCall")) {
    calls.push_back(call);
    all_calls(field(*call, "args"), calls);
  }
}

std::string rewrite_reason(const Node& column_def, const LintContext& context) {
  std::vector<std::string> type = strings(field(field(column_def, "typeName"), "names"));
  if (!type.empty() && k_serial_types.count(type.back()))
    return fmt::format("of type {}", type.back());
  for (const Node& item : field(column_def, "constraints")) {
    const Node& constraint = field(item, "Constraint");
    std::string kind = text(constraint, "contype");
    if (kind == "CONSTR_IDENTITY") return "as an identity column";
    if (kind == "CONSTR_GENERATED") return "as a stored generated column";
    if (kind != "CONSTR_DEFAULT") continue;
    std::vector<const Node*> calls;
    all_calls(field(constraint, "raw_expr"), calls);
    for (const Node* call : calls) {
      std::vector<std::string> name = strings(field(*call, "funcname"));
      if (!name.empty() && k_volatile_functions.count(name.back()))
        return fmt::format("with volatile default {}()", name.back());
      std::string user = function_name(*call);
      if (context.volatile_functions.count(user))
        return fmt::format("with default {}(), a VOLATILE function", user);
    }
  }
  return {};
}

void create_index(const Node& statement, StatementCheck& check) {
  if (flag(statement, "concurrent")) return check.no_transaction("CREATE INDEX CONCURRENTLY");
  std::string table = relation_name(field(statement, "relation"));
  if (!check.all_rules || !check.in_use(table)) return;
  check.warn(
      "index-not-concurrent",
      fmt::format("CREATE INDEX on {} blocks writes to the table until the index is built", table),
      "use CREATE INDEX CONCURRENTLY, in a revision with `-- migrate:transaction off` (YAML: the "
      "create_index operation)");
}

void drop(const Node& statement, StatementCheck& check) {
  std::string kind = text(statement, "removeType");
  if (kind == "OBJECT_INDEX" && flag(statement, "concurrent"))
    return check.no_transaction("DROP INDEX CONCURRENTLY");
  if (kind == "OBJECT_INDEX" && check.all_rules) {
    for (const Node& object : field(statement, "objects"))
      check.warn("index-not-concurrent",
                 fmt::format("DROP INDEX {} takes an ACCESS EXCLUSIVE lock on its table: reads "
                             "and writes queue until the drop ends",
                             parse_tree::object_name(object)),
                 "use DROP INDEX CONCURRENTLY, in a revision with `-- migrate:transaction off` "
                 "(YAML: the drop_index operation)");
    return;
  }
  if (kind != "OBJECT_TABLE" || !check.all_rules || !check.in_up()) return;
  for (const Node& object : field(statement, "objects")) {
    std::string table = parse_tree::object_name(object);
    if (table.empty() || !check.in_use(table)) continue;
    check.warn(
        "drop-in-up",
        fmt::format("dropping table {} in up breaks application instances that still use it (the "
                    "old version during a canary)",
                    table),
        fmt::format("move it to {}, which runs once no old instance is left (YAML: the drop_table "
                    "operation)",
                    check.contract_place()));
  }
}

void rename(const Node& statement, StatementCheck& check) {
  if (!check.all_rules || !check.in_up()) return;
  std::string type = text(statement, "renameType");
  std::string table = relation_name(field(statement, "relation"));
  if (!check.in_use(table)) return;
  std::string new_name = text(statement, "newname");
  if (type == "OBJECT_COLUMN") {
    check.warn(
        "rename",
        fmt::format("renaming column {}.{} to {} in up breaks application instances that still use "
                    "the old name (the old version during a canary)",
                    table, text(statement, "subname"), new_name),
        "use the YAML rename_column operation: it keeps both names working until the contract "
        "phase");
  } else if (type == "OBJECT_TABLE") {
    check.warn(
        "rename",
        fmt::format("renaming table {} to {} in up breaks application instances that still use "
                    "the old name (the old version during a canary)",
                    table, new_name),
        fmt::format("keep the old name working: create a view named after the old table in up, "
                    "and drop it in {}",
                    check.contract_place()));
  }
}

// The inline constraints of a column added to a table in use: an index built
// or a foreign key checked under the ALTER's lock, or NOT NULL that no row
// can satisfy.
void add_column_constraints(const std::string& table, const Node& column_def,
                            StatementCheck& check) {
  std::string column = text(column_def, "colname");
  bool has_default = false;
  bool not_null = false;
  for (const Node& item : field(column_def, "constraints")) {
    std::string kind = text(field(item, "Constraint"), "contype");
    if (kind == "CONSTR_DEFAULT" || kind == "CONSTR_IDENTITY" || kind == "CONSTR_GENERATED")
      has_default = true;
    if (kind == "CONSTR_NOTNULL" || kind == "CONSTR_PRIMARY") not_null = true;
    if (kind == "CONSTR_UNIQUE" || kind == "CONSTR_PRIMARY")
      check.warn("index-not-concurrent",
                 fmt::format("adding column {}.{} with {} builds its index while holding an "
                             "ACCESS EXCLUSIVE lock on the table",
                             table, column, kind == "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY"),
                 "add the column without it, CREATE UNIQUE INDEX CONCURRENTLY (with `transaction "
                 "off`), then `ADD CONSTRAINT <name> UNIQUE USING INDEX <index>`");
    if (kind == "CONSTR_FOREIGN")
      check.warn("add-constraint-not-valid",
                 fmt::format("adding column {}.{} with REFERENCES checks the foreign key while "
                             "holding locks that block writes to {} and to the table it references",
                             table, column, table),
                 fmt::format("add the column without REFERENCES, then `ADD CONSTRAINT <name> "
                             "FOREIGN KEY ({}) REFERENCES ... NOT VALID` and `VALIDATE CONSTRAINT "
                             "<name>` in a separate transaction",
                             column));
  }
  std::vector<std::string> type = strings(field(field(column_def, "typeName"), "names"));
  if (!type.empty() && k_serial_types.count(type.back())) has_default = true;
  if (not_null && !has_default)
    check.warn("add-column-not-null",
               fmt::format("adding column {}.{} NOT NULL without a default fails as soon as {} "
                           "holds a row",
                           table, column, table),
               "add it with a default (a constant default does not rewrite the table), or "
               "nullable: backfill it, then SET NOT NULL after a validated CHECK (column IS NOT "
               "NULL)");
}

void add_column(const std::string& table, const Node& column_def, StatementCheck& check) {
  add_column_constraints(table, column_def, check);
  std::string reason = rewrite_reason(column_def, check.context);
  if (reason.empty()) return;
  check.warn(
      "add-column-volatile-default",
      fmt::format("adding column {}.{} {} rewrites the whole table under an ACCESS EXCLUSIVE lock",
                  table, text(column_def, "colname"), reason),
      "add the column without that default, set the default in a separate statement (it then "
      "applies to new rows only), and backfill existing rows in batches (YAML: the add_column "
      "operation does this)");
}

void drop_column(const std::string& table, const std::string& column, StatementCheck& check) {
  check.warn(
      "drop-in-up",
      fmt::format("dropping column {}.{} in up breaks application instances that still use it "
                  "(the old version during a canary)",
                  table, column),
      fmt::format("move it to {}, which runs once no old instance is left (YAML: the "
                  "drop_column operation)",
                  check.contract_place()));
}

void change_type(const std::string& table, const std::string& column, StatementCheck& check) {
  check.warn("column-type-change",
             fmt::format("changing the type of {}.{} rewrites the table and its indexes under an "
                         "ACCESS EXCLUSIVE lock (unless the change is binary-compatible, such as "
                         "varchar(n) to text)",
                         table, column),
             "add a new column, keep it in sync and backfill it, then switch the application over "
             "(YAML: the alter_column operation does this)");
}

void set_not_null(const std::string& table, const std::string& column, StatementCheck& check) {
  check.warn(
      "not-null-without-check",
      fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS EXCLUSIVE lock",
                  table, column),
      fmt::format("first `ADD CONSTRAINT <name> CHECK ({} IS NOT NULL) NOT VALID`, then "
                  "`VALIDATE CONSTRAINT <name>` in a separate transaction: SET NOT NULL then "
                  "skips the scan (PostgreSQL 12+)",
                  column));
}

void add_constraint(const std::string& table, const Node& constraint, StatementCheck& check) {
  std::string kind = text(constraint, "contype");
  std::string name = text(constraint, "conname");
  bool not_valid = flag(constraint, "skip_validation");
  if (kind == "CONSTR_CHECK") {
    std::vector<std::string> columns = not_null_columns(field(constraint, "raw_expr"));
    if (!not_valid)
      for (const auto& column : columns) check.memory.proven_not_null.insert({table, column});
    else if (!name.empty())
      check.memory.unvalidated_checks[{table, name}] = columns;
  }
  if (not_valid && !name.empty() && check.step.transactional)
    check.memory.added_not_valid_in_transaction.insert({table, name});
  if (!check.all_rules || !check.in_use(table)) return;
  std::string named = name.empty() ? std::string() : " " + name;
  if ((kind == "CONSTR_FOREIGN" || kind == "CONSTR_CHECK") && !not_valid) {
    check.warn(
        "add-constraint-not-valid",
        fmt::format("adding {} constraint{} on {} checks every row while holding a lock that "
                    "blocks writes",
                    kind == "CONSTR_FOREIGN" ? "FOREIGN KEY" : "CHECK", named, table),
        fmt::format("add it NOT VALID, then `ALTER TABLE {} VALIDATE CONSTRAINT {}` in a separate "
                    "transaction ({}, a later revision, or `transaction off`)",
                    table, name.empty() ? "<name>" : name, check.contract_place()));
  } else if ((kind == "CONSTR_UNIQUE" || kind == "CONSTR_PRIMARY") &&
             text(constraint, "indexname").empty()) {
    std::string what = kind == "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY";
    check.warn(
        "index-not-concurrent",
        fmt::format("adding {} constraint{} on {} builds its index while holding an ACCESS "
                    "EXCLUSIVE lock",
                    what, named, table),
        fmt::format("first CREATE UNIQUE INDEX CONCURRENTLY (with `transaction off`), then `ADD "
                    "CONSTRAINT <name> {} USING INDEX <index>`",
                    what));
  }
}

void validate_constraint(const std::string& table, const std::string& name, StatementCheck& check) {
  auto pending = check.memory.unvalidated_checks.find({table, name});
  if (pending != check.memory.unvalidated_checks.end()) {
    for (const auto& column : pending->second) check.memory.proven_not_null.insert({table, column});
    check.memory.unvalidated_checks.erase(pending);
  }
  if (!check.all_rules || !check.step.transactional ||
      !check.memory.added_not_valid_in_transaction.count({table, name}))
    return;
  check.warn(
      "add-constraint-not-valid",
      fmt::format("validating {} in the transaction that added it keeps that lock on {} during the "
                  "whole scan",
                  name, table),
      fmt::format(
          "validate it in a separate transaction ({}, a later revision, or `transaction off`)",
          check.contract_place()));
}

void alter_table(const Node& statement, StatementCheck& check) {
  if (text(statement, "objtype") != "OBJECT_TABLE") return;
  std::string table = relation_name(field(statement, "relation"));
  for (const Node& item : field(statement, "cmds")) {
    const Node& command = field(item, "AlterTableCmd");
    std::string subtype = text(command, "subtype");
    if (subtype == "AT_DetachPartition" &&
        flag(field(field(command, "def"), "PartitionCmd"), "concurrent"))
      check.no_transaction("DETACH PARTITION CONCURRENTLY");
    else if (subtype == "AT_AddConstraint")
      add_constraint(table, field(field(command, "def"), "Constraint"), check);
    else if (subtype == "AT_ValidateConstraint")
      validate_constraint(table, text(command, "name"), check);
    if (!check.all_rules || !check.in_use(table)) continue;
    std::string column = text(command, "name");
    if (subtype == "AT_AddColumn")
      add_column(table, field(field(command, "def"), "ColumnDef"), check);
    if (subtype == "AT_DropColumn" && check.in_up()) drop_column(table, column, check);
    if (subtype == "AT_AlterColumnType") change_type(table, column, check);
    if (subtype == "AT_SetNotNull" && !check.memory.proven_not_null.count({table, column}))
      set_not_null(table, column, check);
  }
}

void created_table(const Node& statement, StatementCheck& check) {
  check.memory.created_tables.insert(relation_name(field(statement, "relation")));
}

void created_table_as(const Node& statement, StatementCheck& check) {
  check.memory.created_tables.insert(relation_name(field(field(statement, "into"), "rel")));
}

// Whether a statement's option list (`params` or `options`) holds `name`.
bool has_option(const Node& statement, const char* list, const char* name) {
  for (const Node& option : field(statement, list))
    if (text(field(option, "DefElem"), "defname") == name) return true;
  return false;
}

void reindex(const Node& statement, StatementCheck& check) {
  if (has_option(statement, "params", "concurrently"))
    return check.no_transaction("REINDEX CONCURRENTLY");
  if (!check.all_rules) return;
  std::string kind = text(statement, "kind");
  std::string what = kind == "REINDEX_OBJECT_INDEX" ? "index" : "table";
  std::string name = relation_name(field(statement, "relation"));
  if (name.empty()) name = text(statement, "name");
  check.warn("index-not-concurrent",
             fmt::format("REINDEX {} {} blocks writes to the table (and reads that use its "
                         "indexes) until the rebuild ends",
                         kind == "REINDEX_OBJECT_INDEX"    ? "INDEX"
                         : kind == "REINDEX_OBJECT_TABLE"  ? "TABLE"
                         : kind == "REINDEX_OBJECT_SCHEMA" ? "SCHEMA"
                                                           : "DATABASE",
                         name),
             fmt::format("use REINDEX ... CONCURRENTLY (PostgreSQL 12+) on the {}, in a revision "
                         "with `-- migrate:transaction off`",
                         what));
}

void vacuum(const Node& statement, StatementCheck& check) {
  if (!flag(statement, "is_vacuumcmd")) return;
  check.no_transaction("VACUUM");
  if (!check.all_rules || !has_option(statement, "options", "full")) return;
  check.warn("table-rewrite",
             "VACUUM FULL rewrites each table it names under an ACCESS EXCLUSIVE lock: reads and "
             "writes queue until it ends",
             "leave it out of migrations: plain VACUUM (no lock on reads or writes) is enough "
             "after most changes; to shrink a table in use, use pg_repack or pg_squeeze");
}

void cluster(const Node& statement, StatementCheck& check) {
  if (!check.all_rules) return;
  std::string table = relation_name(field(statement, "relation"));
  check.warn("table-rewrite",
             fmt::format("CLUSTER {} rewrites the table under an ACCESS EXCLUSIVE lock: reads and "
                         "writes queue until it ends",
                         table.empty() ? std::string("(every clustered table)") : table),
             "leave it out of migrations; to reorder a table in use, use pg_repack");
}

// LOCK TABLE in SHARE mode or stronger (lock modes 5 to 8) blocks writes.
constexpr long k_share_lock_mode = 5;

void lock_table(const Node& statement, StatementCheck& check) {
  if (!check.all_rules) return;
  const Node& mode = field(statement, "mode");
  long level = mode.is_number_integer() ? mode.get<long>() : 0;
  if (level < k_share_lock_mode) return;
  std::vector<std::string> tables;
  for (const Node& item : field(statement, "relations")) {
    std::string table = relation_name(field(item, "RangeVar"));
    if (!table.empty() && check.in_use(table)) tables.push_back(table);
  }
  if (tables.empty()) return;
  check.warn("lock-table",
             fmt::format("LOCK TABLE {} blocks the application's writes{} until the transaction "
                         "ends, and queues behind any open transaction on it",
                         fmt::join(tables, ", "), level == 8 ? " and reads" : ""),
             "let each statement take the lock it needs, under migrate's short lock_timeout; "
             "split long work into separate revisions");
}

void create_database(const Node&, StatementCheck& check) {
  check.no_transaction("CREATE DATABASE");
}
void drop_database(const Node&, StatementCheck& check) { check.no_transaction("DROP DATABASE"); }
void create_tablespace(const Node&, StatementCheck& check) {
  check.no_transaction("CREATE TABLESPACE");
}
void drop_tablespace(const Node&, StatementCheck& check) {
  check.no_transaction("DROP TABLESPACE");
}
void alter_system(const Node&, StatementCheck& check) { check.no_transaction("ALTER SYSTEM"); }

}  // namespace

const std::map<std::string, StatementRule>& statement_rules() {
  static const std::map<std::string, StatementRule> rules = {
      {"CreateStmt", created_table},
      {"CreateTableAsStmt", created_table_as},
      {"IndexStmt", create_index},
      {"DropStmt", drop},
      {"ReindexStmt", reindex},
      {"VacuumStmt", vacuum},
      {"ClusterStmt", cluster},
      {"LockStmt", lock_table},
      {"AlterTableStmt", alter_table},
      {"RenameStmt", rename},
      {"CreatedbStmt", create_database},
      {"DropdbStmt", drop_database},
      {"CreateTableSpaceStmt", create_tablespace},
      {"DropTableSpaceStmt", drop_tablespace},
      {"AlterSystemStmt", alter_system},
  };
  return rules;
}

void collect_default_calls(const Node& statement, std::set<std::string>& calls) {
  const Node& alter = field(statement, "AlterTableStmt");
  for (const Node& item : field(alter, "cmds")) {
    const Node& command = field(item, "AlterTableCmd");
    if (text(command, "subtype") != "AT_AddColumn") continue;
    for (const Node& constraint : field(field(field(command, "def"), "ColumnDef"), "constraints")) {
      const Node& body = field(constraint, "Constraint");
      if (text(body, "contype") != "CONSTR_DEFAULT") continue;
      std::vector<const Node*> found;
      all_calls(field(body, "raw_expr"), found);
      for (const Node* call : found) {
        std::vector<std::string> name = strings(field(*call, "funcname"));
        if (name.empty() || k_volatile_functions.count(name.back())) continue;
        calls.insert(function_name(*call));
      }
    }
  }
}

}  // namespace migrate::core
