#include "core/checks/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <variant>

#include "core/revisions/revision_script.hpp"
#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

const char* to_string(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string format_finding(const LintFinding& finding) {
  std::string place =
      finding.line > 0 ? fmt::format("{}:{}", finding.path, finding.line) : finding.path;
  std::string text = fmt::format("{}: {}[{}]: {}", place, to_string(finding.severity), finding.rule,
                                 finding.message);
  if (!finding.hint.empty()) text += "\n  hint: " + finding.hint;
  return text;
}

bool has_errors(const std::vector<LintFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const LintFinding& finding) {
    return finding.severity == Severity::error;
  });
}

namespace {

using parse_tree::body_of;
using parse_tree::field;
using parse_tree::flag;
using parse_tree::Node;
using parse_tree::relation_name;
using parse_tree::strings;
using parse_tree::text;
using parse_tree::type_of;

// Rules for SQL a person wrote, or only those that catch SQL that cannot run:
// SQL generated from YAML operations is written to be safe under traffic.
enum class Rules { all, runtime_only };

using ColumnKey = std::pair<std::string, std::string>;  // (table, column or constraint name)

// What earlier statements of the revision did, so later ones are judged in context.
struct Context {
  // Created in this phase: nobody else uses them yet.
  std::set<std::string> created_tables;
  // (table, column) with a validated CHECK (column IS NOT NULL).
  std::set<ColumnKey> proven_not_null;
  // (table, constraint name) of a CHECK added NOT VALID -> the columns it proves NOT NULL.
  std::map<ColumnKey, std::vector<std::string>> unvalidated_checks;
  // (table, constraint name) added NOT VALID in this phase's transaction.
  std::set<ColumnKey> added_not_valid_in_transaction;

  // The contract phase runs later, in its own transaction, on tables in use.
  Context for_next_phase() const {
    Context next = *this;
    next.created_tables.clear();
    next.added_not_valid_in_transaction.clear();
    return next;
  }
};

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
std::string rewrite_reason(const Node& column_def) {
  std::vector<std::string> type = strings(field(field(column_def, "typeName"), "names"));
  if (!type.empty() && k_serial_types.count(type.back()))
    return fmt::format("of type {}", type.back());
  for (const Node& item : field(column_def, "constraints")) {
    const Node& constraint = field(item, "Constraint");
    std::string kind = text(constraint, "contype");
    if (kind == "CONSTR_IDENTITY") return "as an identity column";
    if (kind == "CONSTR_GENERATED") return "as a stored generated column";
    if (kind != "CONSTR_DEFAULT") continue;
    for (const Node* call : parse_tree::find_nodes(field(constraint, "raw_expr"), "FuncCall")) {
      std::vector<std::string> name = strings(field(*call, "funcname"));
      if (!name.empty() && k_volatile_functions.count(name.back()))
        return fmt::format("with volatile default {}()", name.back());
    }
  }
  return {};
}

// "line 12: message" (split_statements' errors) -> (12, "message").
std::pair<int, std::string> split_error(const std::string& what) {
  if (what.compare(0, 5, "line ") == 0) {
    char* end = nullptr;
    long line = std::strtol(what.c_str() + 5, &end, 10);
    if (end && end[0] == ':' && end[1] == ' ')
      return {static_cast<int>(line), std::string(end + 2)};
  }
  return {0, what};
}

class Linter {
 public:
  explicit Linter(const Revision& revision) : m_revision(revision) {
    // Steps carry their operation's line: that tells a person's raw `sql` from
    // generated SQL. A line shared with another kind of operation gets the
    // lenient rules.
    std::set<int> generated;
    for (const Operation& operation : revision.operations)
      (operation.kind == "sql" ? m_raw_sql_lines : generated).insert(operation.line);
    for (int line : generated) m_raw_sql_lines.erase(line);
  }

  // Lints the steps of one phase; `context` carries what earlier steps did.
  void lint_phase(Phase phase, Context& context) {
    m_checked.clear();
    check_written_text(phase);
    std::vector<Step> steps;
    try {
      steps = steps_for(m_revision, phase);
    } catch (const std::runtime_error& error) {
      auto [line, message] = split_error(error.what());
      if (m_checked.empty()) report(Severity::error, "syntax", line, message, "");
      return;
    }
    m_phase = phase;
    m_context = &context;
    for (const Step& step : steps) {
      if (step.kind != Step::Kind::statement) continue;
      m_step = &step;
      m_rules = sql_file() || m_raw_sql_lines.count(step.line) ? Rules::all : Rules::runtime_only;
      ParsedSql parsed = parse_sql(step.sql);
      if (!parsed.error.empty()) {
        if (!already_checked(step.line))
          report(Severity::error, "syntax", line_at(step.sql, parsed.error_offset, step.line),
                 parsed.error, "");
        continue;
      }
      for (const Node& statement : parsed.statements) lint_statement(statement);
    }
  }

  void check_down_section() {
    if (m_revision.format != RevisionFormat::sql || m_revision.down.present) return;
    report(Severity::warning, "missing-down", m_revision.id_line,
           "no `-- migrate:down` section: `migrate downgrade` cannot revert this revision",
           "add `-- migrate:down` with SQL that undoes `up` (leave it empty to say on purpose that "
           "there is nothing to undo)");
  }

  std::vector<LintFinding> take() {
    std::vector<LintFinding> findings;
    for (auto& finding : m_findings) {
      bool repeated = std::any_of(findings.begin(), findings.end(), [&](const LintFinding& seen) {
        return seen.rule == finding.rule && seen.line == finding.line &&
               seen.message == finding.message;
      });
      if (!repeated) findings.push_back(std::move(finding));
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
    return findings;
  }

 private:
  bool sql_file() const { return m_revision.format == RevisionFormat::sql; }
  bool all_rules() const { return m_rules == Rules::all; }
  bool in_up() const { return m_phase == Phase::expand; }
  bool in_use(const std::string& table) const {
    return m_context->created_tables.count(table) == 0;
  }

  // SQL revisions map statements to their exact line; a YAML operation's
  // statements all carry the operation's line.
  int line_at(const std::string& text, size_t offset, int first_line) const {
    if (!sql_file()) return first_line;
    return first_line + static_cast<int>(std::count(
                            text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  }

  // libpg_query's scanner split (split_statements) leaves out a statement that
  // starts with an unknown word ("SELEC 1"), so the steps alone can miss a
  // syntax error: parse the text as written too. Its first error is reported
  // here, and the steps up to that line are not reported again.
  void check_written_text(Phase phase) {
    bool up = phase == Phase::expand, contract = phase == Phase::contract;
    if (sql_file()) {
      const SqlSection& section = up         ? m_revision.up
                                  : contract ? m_revision.contract
                                             : m_revision.down;
      check_text(section.text, section.first_line);
      return;
    }
    for (const Operation& operation : m_revision.operations)
      if (const auto* raw = std::get_if<SqlOp>(&operation.spec))
        check_text(up ? raw->up : contract ? raw->contract : raw->down, operation.line);
  }

  void check_text(const std::string& text, int first_line) {
    if (is_blank_sql(text)) return;
    ParsedSql parsed = check_sql_syntax(text);
    if (parsed.error.empty()) return;
    int line = line_at(text, parsed.error_offset, first_line);
    report(Severity::error, "syntax", line, parsed.error, "");
    m_checked.push_back({first_line, line});
  }

  bool already_checked(int line) const {
    return std::any_of(m_checked.begin(), m_checked.end(), [&](const auto& range) {
      return range.first <= line && line <= range.second;
    });
  }

  void report(Severity severity, const char* rule, int line, std::string message,
              std::string hint) {
    m_findings.push_back(
        {severity, rule, m_revision.path, line, std::move(message), std::move(hint)});
  }
  void warn(const char* rule, std::string message, std::string hint) {
    report(Severity::warning, rule, m_step->line, std::move(message), std::move(hint));
  }

  std::string contract_place() const {
    return sql_file() ? "`-- migrate:contract`" : "the operation's `contract`";
  }

  void no_transaction(const std::string& what) {
    if (!m_step->transactional) return;
    report(Severity::error, "concurrently-in-transaction", m_step->line,
           fmt::format("{} cannot run inside a transaction block, and this revision runs in one",
                       what),
           sql_file()
               ? "add `-- migrate:transaction off` to the header: the file then runs statement "
                 "by statement, outside a transaction"
               : "set `transaction: false` in the file: its statements then run one by one, "
                 "outside a transaction");
  }

  void lint_statement(const Node& node) {
    static const std::map<std::string, std::string> k_never_in_transaction = {
        {"CreatedbStmt", "CREATE DATABASE"},
        {"DropdbStmt", "DROP DATABASE"},
        {"CreateTableSpaceStmt", "CREATE TABLESPACE"},
        {"DropTableSpaceStmt", "DROP TABLESPACE"},
        {"AlterSystemStmt", "ALTER SYSTEM"}};
    std::string type = type_of(node);
    const Node& statement = body_of(node);
    if (type == "CreateStmt") {
      m_context->created_tables.insert(relation_name(field(statement, "relation")));
    } else if (type == "CreateTableAsStmt") {
      m_context->created_tables.insert(relation_name(field(field(statement, "into"), "rel")));
    } else if (type == "IndexStmt") {
      create_index(statement);
    } else if (type == "DropStmt") {
      drop(statement);
    } else if (type == "ReindexStmt") {
      for (const Node& option : field(statement, "params"))
        if (text(field(option, "DefElem"), "defname") == "concurrently")
          no_transaction("REINDEX CONCURRENTLY");
    } else if (type == "VacuumStmt") {
      if (flag(statement, "is_vacuumcmd")) no_transaction("VACUUM");
    } else if (type == "AlterTableStmt") {
      alter_table(statement);
    } else if (type == "RenameStmt") {
      rename(statement);
    } else if (k_never_in_transaction.count(type)) {
      no_transaction(k_never_in_transaction.at(type));
    }
  }

  void create_index(const Node& statement) {
    if (flag(statement, "concurrent")) return no_transaction("CREATE INDEX CONCURRENTLY");
    std::string table = relation_name(field(statement, "relation"));
    if (!all_rules() || !in_use(table)) return;
    warn(
        "index-not-concurrent",
        fmt::format("CREATE INDEX on {} blocks writes to the table until the index is built",
                    table),
        "use CREATE INDEX CONCURRENTLY, in a revision with `-- migrate:transaction off` (YAML: the "
        "create_index operation)");
  }

  void drop(const Node& statement) {
    std::string kind = text(statement, "removeType");
    if (kind == "OBJECT_INDEX" && flag(statement, "concurrent"))
      return no_transaction("DROP INDEX CONCURRENTLY");
    if (kind != "OBJECT_TABLE" || !all_rules() || !in_up()) return;
    for (const Node& object : field(statement, "objects")) {
      std::string table = parse_tree::object_name(object);
      if (table.empty() || !in_use(table)) continue;
      warn(
          "drop-in-up",
          fmt::format("dropping table {} in up breaks application instances that still use it (the "
                      "old version during a canary)",
                      table),
          fmt::format(
              "move it to {}, which runs once no old instance is left (YAML: the drop_table "
              "operation)",
              contract_place()));
    }
  }

  void rename(const Node& statement) {
    if (!all_rules() || !in_up()) return;
    std::string type = text(statement, "renameType");
    std::string table = relation_name(field(statement, "relation"));
    if (!in_use(table)) return;
    std::string new_name = text(statement, "newname");
    if (type == "OBJECT_COLUMN") {
      warn("rename",
           fmt::format(
               "renaming column {}.{} to {} in up breaks application instances that still use "
               "the old name (the old version during a canary)",
               table, text(statement, "subname"), new_name),
           "use the YAML rename_column operation: it keeps both names working until the contract "
           "phase");
    } else if (type == "OBJECT_TABLE") {
      warn("rename",
           fmt::format("renaming table {} to {} in up breaks application instances that still use "
                       "the old name (the old version during a canary)",
                       table, new_name),
           fmt::format("keep the old name working: create a view named after the old table in up, "
                       "and drop it in {}",
                       contract_place()));
    }
  }

  void alter_table(const Node& statement) {
    if (text(statement, "objtype") != "OBJECT_TABLE") return;
    std::string table = relation_name(field(statement, "relation"));
    for (const Node& item : field(statement, "cmds")) {
      const Node& command = field(item, "AlterTableCmd");
      std::string subtype = text(command, "subtype");
      if (subtype == "AT_DetachPartition" &&
          flag(field(field(command, "def"), "PartitionCmd"), "concurrent"))
        no_transaction("DETACH PARTITION CONCURRENTLY");
      else if (subtype == "AT_AddConstraint")
        add_constraint(table, field(field(command, "def"), "Constraint"));
      else if (subtype == "AT_ValidateConstraint")
        validate_constraint(table, text(command, "name"));
      if (!all_rules() || !in_use(table)) continue;
      std::string column = text(command, "name");
      if (subtype == "AT_AddColumn") add_column(table, field(field(command, "def"), "ColumnDef"));
      if (subtype == "AT_DropColumn" && in_up()) drop_column(table, column);
      if (subtype == "AT_AlterColumnType") change_type(table, column);
      if (subtype == "AT_SetNotNull" && !m_context->proven_not_null.count({table, column}))
        set_not_null(table, column);
    }
  }

  void add_column(const std::string& table, const Node& column_def) {
    std::string reason = rewrite_reason(column_def);
    if (reason.empty()) return;
    warn("add-column-volatile-default",
         fmt::format(
             "adding column {}.{} {} rewrites the whole table under an ACCESS EXCLUSIVE lock",
             table, text(column_def, "colname"), reason),
         "add the column without that default, set the default in a separate statement (it then "
         "applies to new rows only), and backfill existing rows in batches (YAML: the add_column "
         "operation does this)");
  }

  void drop_column(const std::string& table, const std::string& column) {
    warn("drop-in-up",
         fmt::format("dropping column {}.{} in up breaks application instances that still use it "
                     "(the old version during a canary)",
                     table, column),
         fmt::format("move it to {}, which runs once no old instance is left (YAML: the "
                     "drop_column operation)",
                     contract_place()));
  }

  void change_type(const std::string& table, const std::string& column) {
    warn("column-type-change",
         fmt::format("changing the type of {}.{} rewrites the table and its indexes under an "
                     "ACCESS EXCLUSIVE lock (unless the change is binary-compatible, such as "
                     "varchar(n) to text)",
                     table, column),
         "add a new column, keep it in sync and backfill it, then switch the application over "
         "(YAML: the alter_column operation does this)");
  }

  void set_not_null(const std::string& table, const std::string& column) {
    warn("not-null-without-check",
         fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS EXCLUSIVE lock",
                     table, column),
         fmt::format("first `ADD CONSTRAINT <name> CHECK ({} IS NOT NULL) NOT VALID`, then "
                     "`VALIDATE CONSTRAINT <name>` in a separate transaction: SET NOT NULL then "
                     "skips the scan (PostgreSQL 12+)",
                     column));
  }

  void add_constraint(const std::string& table, const Node& constraint) {
    std::string kind = text(constraint, "contype");
    std::string name = text(constraint, "conname");
    bool not_valid = flag(constraint, "skip_validation");
    if (kind == "CONSTR_CHECK") {
      std::vector<std::string> columns = not_null_columns(field(constraint, "raw_expr"));
      if (!not_valid)
        for (const auto& column : columns) m_context->proven_not_null.insert({table, column});
      else if (!name.empty())
        m_context->unvalidated_checks[{table, name}] = columns;
    }
    if (not_valid && !name.empty() && m_step->transactional)
      m_context->added_not_valid_in_transaction.insert({table, name});
    if (!all_rules() || !in_use(table)) return;
    std::string named = name.empty() ? std::string() : " " + name;
    if ((kind == "CONSTR_FOREIGN" || kind == "CONSTR_CHECK") && !not_valid) {
      warn("add-constraint-not-valid",
           fmt::format("adding {} constraint{} on {} checks every row while holding a lock that "
                       "blocks writes",
                       kind == "CONSTR_FOREIGN" ? "FOREIGN KEY" : "CHECK", named, table),
           fmt::format(
               "add it NOT VALID, then `ALTER TABLE {} VALIDATE CONSTRAINT {}` in a separate "
               "transaction ({}, a later revision, or `transaction off`)",
               table, name.empty() ? "<name>" : name, contract_place()));
    } else if ((kind == "CONSTR_UNIQUE" || kind == "CONSTR_PRIMARY") &&
               text(constraint, "indexname").empty()) {
      std::string what = kind == "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY";
      warn("index-not-concurrent",
           fmt::format("adding {} constraint{} on {} builds its index while holding an ACCESS "
                       "EXCLUSIVE lock",
                       what, named, table),
           fmt::format("first CREATE UNIQUE INDEX CONCURRENTLY (with `transaction off`), then `ADD "
                       "CONSTRAINT <name> {} USING INDEX <index>`",
                       what));
    }
  }

  void validate_constraint(const std::string& table, const std::string& name) {
    auto pending = m_context->unvalidated_checks.find({table, name});
    if (pending != m_context->unvalidated_checks.end()) {
      for (const auto& column : pending->second) m_context->proven_not_null.insert({table, column});
      m_context->unvalidated_checks.erase(pending);
    }
    if (!all_rules() || !m_step->transactional ||
        !m_context->added_not_valid_in_transaction.count({table, name}))
      return;
    warn("add-constraint-not-valid",
         fmt::format(
             "validating {} in the transaction that added it keeps that lock on {} during the "
             "whole scan",
             name, table),
         fmt::format(
             "validate it in a separate transaction ({}, a later revision, or `transaction off`)",
             contract_place()));
  }

  const Revision& m_revision;
  std::set<int> m_raw_sql_lines;               // YAML: lines of `sql` operations
  std::vector<std::pair<int, int>> m_checked;  // line ranges whose syntax check_text reported
  Phase m_phase = Phase::expand;
  Rules m_rules = Rules::all;
  Context* m_context = nullptr;
  const Step* m_step = nullptr;
  std::vector<LintFinding> m_findings;
};

}  // namespace

std::vector<LintFinding> lint_revision(const Revision& revision) {
  Linter linter(revision);
  Context up;
  linter.lint_phase(Phase::expand, up);
  Context contract = up.for_next_phase();
  linter.lint_phase(Phase::contract, contract);
  // SQL revisions run `down` for both; take() drops the repeated findings.
  for (Phase phase : {Phase::rollback, Phase::down}) {
    Context context;
    linter.lint_phase(phase, context);
  }
  linter.check_down_section();
  return linter.take();
}

static std::string lint_error_message(const std::vector<LintFinding>& findings) {
  std::string text = fmt::format("lint found {} error{}:", findings.size(), findings.size() == 1 ? "" : "s");
  for (const auto& finding : findings) text += "\n" + format_finding(finding);
  return text;
}

LintError::LintError(std::vector<LintFinding> findings)
    : Error(ExitCode::lint, lint_error_message(findings),
            "nothing was applied; fix the revisions above (`migrate lint` lists every finding)"),
      m_findings(std::move(findings)) {}

}  // namespace migrate::core
