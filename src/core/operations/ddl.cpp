#include "core/operations/ddl.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "core/identifier.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

StepWriter::StepWriter(std::vector<Step>& out, std::string path, int line)
    : m_out(out), m_path(std::move(path)), m_line(line) {}

Step& StepWriter::add(std::string sql, std::string description) {
  Step step;
  step.sql = std::move(sql);
  step.path = m_path;
  step.line = m_line;
  step.description = std::move(description);
  m_out.push_back(std::move(step));
  return m_out.back();
}

void StepWriter::statement(std::string sql, std::string description) {
  add(std::move(sql), std::move(description));
}

void StepWriter::alone(std::string sql, std::string description) {
  add(std::move(sql), std::move(description)).transactional = false;
}

void StepWriter::build_index(std::string sql, std::string description, const TableName& index) {
  Step& step = add(std::move(sql), std::move(description));
  step.transactional = false;
  step.drop_if_invalid_index = index.quoted();
}

void StepWriter::backfill(Backfill spec, std::string description) {
  Step& step = add("", std::move(description));
  step.kind = Step::Kind::backfill;
  step.backfill = std::move(spec);
}

void StepWriter::script(const std::string& sql, std::string description) {
  if (is_blank_sql(sql)) return;
  for (auto& statement : split_statements(sql, m_line))
    add(std::move(statement.sql), description).copy_data = std::move(statement.copy_data);
}

void StepWriter::refusal(const std::string& message) {
  std::string located = m_line > 0 ? fmt::format("{}:{}: {}", m_path, m_line, message)
                                   : fmt::format("{}: {}", m_path, message);
  add(do_block(
          fmt::format("BEGIN\n  RAISE EXCEPTION USING MESSAGE = {};\nEND", quote_literal(located))),
      "refuse: " + message);
}

void StepWriter::check(const std::string& body, std::string description, std::string hint) {
  Step& step = add(do_block(body), std::move(description));
  step.precheck = true;
  step.hint = std::move(hint);
}

std::string StepWriter::location_literal() const {
  return quote_literal(m_line > 0 ? fmt::format("{}:{}: ", m_path, m_line) : m_path + ": ");
}

std::string limited_identifier(const std::string& name) {
  if (name.size() <= k_max_identifier_bytes) return name;
  std::string suffix = fmt::format("_{:08x}", fnv1a(name));
  size_t keep = k_max_identifier_bytes - suffix.size();
  // Never cut a UTF-8 sequence in half.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + suffix;
}

std::string dollar_tag(const std::string& text) {
  std::string tag = "$migrate$";
  for (int n = 1; text.find(tag) != std::string::npos; ++n) tag = fmt::format("$migrate{}$", n);
  return tag;
}

std::string do_block(const std::string& body) {
  std::string tag = dollar_tag(body);
  return fmt::format("DO {}\n{}\n{}", tag, body, tag);
}

std::string do_if(const std::string& condition, const std::string& statement) {
  return do_block(
      fmt::format("BEGIN\n  IF {} THEN\n    {};\n  END IF;\nEND", condition, statement));
}

std::string regclass(const TableName& table) {
  return quote_literal(table.quoted()) + "::regclass";
}

// A live column of the table, matching `also` too.
static std::string attribute_exists(const TableName& table, const std::string& column,
                                    const char* also) {
  return fmt::format(
      "EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = {} AND attname = {} AND "
      "{}attnum > 0 AND NOT attisdropped)",
      regclass(table), quote_literal(column), also);
}

std::string column_exists(const TableName& table, const std::string& column) {
  return attribute_exists(table, column, "");
}

std::string column_is_not_null(const TableName& table, const std::string& column) {
  return attribute_exists(table, column, "attnotnull AND ");
}

std::string constraint_exists(const TableName& table, const std::string& name) {
  return fmt::format(
      "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = {} AND conname = {})",
      regclass(table), quote_literal(name));
}

std::string alter_table(const TableName& table, const std::string& action) {
  return fmt::format("ALTER TABLE {} {}", table.quoted(), action);
}

std::string column_list(const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& column : columns) list += (list.empty() ? "" : ", ") + quote_ident(column);
  return list;
}

std::string references_clause(const ForeignKeyTarget& target) {
  std::string clause = "REFERENCES " + target.table.quoted();
  if (!target.columns.empty()) clause += " (" + column_list(target.columns) + ")";
  if (!target.on_delete.empty()) clause += " ON DELETE " + target.on_delete;
  if (!target.on_update.empty()) clause += " ON UPDATE " + target.on_update;
  return clause;
}

void add_constraint_not_valid(StepWriter& out, const TableName& table, const std::string& name,
                              const std::string& definition, const std::string& what) {
  out.statement(do_if("NOT " + constraint_exists(table, name),
                      alter_table(table, fmt::format("ADD CONSTRAINT {} {} NOT VALID",
                                                     quote_ident(name), definition))),
                fmt::format("add {} NOT VALID", what));
}

void validate_constraint(StepWriter& out, const TableName& table, const std::string& name,
                         const std::string& what) {
  out.alone(alter_table(table, "VALIDATE CONSTRAINT " + quote_ident(name)),
            fmt::format("validate {}", what));
}

void set_not_null_steps(StepWriter& out, const TableName& table, const std::string& column,
                        const std::string& only_if) {
  const std::string check = limited_identifier("migrate_nn_" + column);
  const std::string what = fmt::format("NOT NULL of {}.{}", table.display(), column);
  const std::string add =
      alter_table(table, fmt::format("ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                                     quote_ident(check), quote_ident(column)));
  const std::string validate = alter_table(table, "VALIDATE CONSTRAINT " + quote_ident(check));
  const std::string set =
      alter_table(table, fmt::format("ALTER COLUMN {} SET NOT NULL", quote_ident(column)));
  const std::string not_there = "NOT " + constraint_exists(table, check);
  if (only_if.empty()) {
    out.statement(do_if(not_there, add), fmt::format("check {} (NOT VALID)", what));
    out.alone(validate, fmt::format("validate the check of {}", what));
    out.statement(set, fmt::format("set {}", what));
  } else {
    out.statement(do_if(fmt::format("({}) AND {}", only_if, not_there), add),
                  fmt::format("check {} (NOT VALID) if the old column had it", what));
    out.alone(do_if(constraint_exists(table, check), validate),
              fmt::format("validate the check of {}", what));
    out.statement(do_if(constraint_exists(table, check), set), fmt::format("set {}", what));
  }
  out.statement(alter_table(table, "DROP CONSTRAINT IF EXISTS " + quote_ident(check)),
                fmt::format("drop the check of {}", what));
}

}  // namespace migrate::core
