#include "engine/offline_database.hpp"

#include <fmt/format.h>

#include "engine/backfill_sql.hpp"
#include "engine/state_layout.hpp"

namespace migrate::engine {

OfflineDatabase::OfflineDatabase(std::ostream& out, Database* reads, const StateSql& state)
    : m_out(out), m_reads(reads), m_state(state) {
  // The literals below are written for this setting, as migrate's own sessions use.
  m_out << "SET standard_conforming_strings = on;\n\n";
}

StateLayout OfflineDatabase::state_layout() {
  return m_reads ? m_reads->state_layout() : StateLayout{};
}

std::vector<core::AppliedRevision> OfflineDatabase::read_applied() {
  return m_reads ? m_reads->read_applied() : std::vector<core::AppliedRevision>{};
}

std::string OfflineDatabase::read_content(const std::string& id) {
  return m_reads ? m_reads->read_content(id) : std::string();
}

void OfflineDatabase::create_state() {
  Batch batch;
  for (auto& sql : m_state.ensure_layout()) batch.statements.emplace_back(std::move(sql));
  run(batch);
}

core::ForeignState OfflineDatabase::foreign_state() {
  return m_reads ? m_reads->foreign_state() : core::ForeignState{};
}

std::optional<Database::ToolStateTable> OfflineDatabase::tool_state(core::ImportTool tool) {
  return m_reads ? m_reads->tool_state(tool) : std::nullopt;
}

bool OfflineDatabase::table_exists(const TableName& table) {
  return m_reads ? m_reads->table_exists(table) : true;
}

// Without a database there is nothing to look up: only the built-in volatile
// functions lint knows are judged.
std::set<std::string> OfflineDatabase::volatile_functions(
    const std::vector<std::string>& functions) {
  if (m_reads) return m_reads->volatile_functions(functions);
  return {};
}

std::vector<std::string> OfflineDatabase::primary_key(const TableName& table) {
  if (m_reads) return m_reads->primary_key(table);
  throw usage_error(
      fmt::format("--sql cannot print the backfill of {} without a database: its batches walk the "
                  "table's primary "
                  "key, which only the database knows; nothing was printed",
                  table.display()),
      "give the database with --database-url (it is only read), or run the command itself");
}

void OfflineDatabase::run(const Batch& batch) {
  if (batch.transactional) m_out << "BEGIN;\n";
  for (const auto& statement : batch.statements) {
    const std::string text = statement.change ? m_state.sql(*statement.change) : statement.sql;
    m_out << text;
    // Comment-only lines (backfill descriptions) take no semicolon. Other
    // statements end in a token (split_statements), never in a comment.
    if (text.rfind("--", 0) != 0) m_out << ';';
    m_out << '\n';
    // COPY ... FROM stdin: its data as written, up to its end line.
    if (const auto& data = statement.copy_data) {
      m_out << *data;
      if (data->empty() || data->back() != '\n') m_out << '\n';
    }
  }
  if (batch.transactional) m_out << "COMMIT;\n";
  m_out << '\n';
}

BackfillBatchResult OfflineDatabase::run_backfill_batch(const BackfillBatch& batch) {
  m_out << fmt::format(
      "-- backfill {} in batches of {} rows by primary key, each batch its own transaction\n",
      batch.target.table.display(), batch.limit);
  m_out << backfill_loop_sql(batch, m_state) << ";\n\n";
  return {};
}

}  // namespace migrate::engine
