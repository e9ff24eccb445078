#include "engine/offline_database.hpp"

namespace migrate::engine {

OfflineDatabase::OfflineDatabase(std::ostream& out, Database* reads, std::vector<std::string> layout_sql)
    : m_out(out), m_reads(reads), m_layout_sql(std::move(layout_sql)) {
  // The literals below are written for this setting, as migrate's own sessions use.
  m_out << "SET standard_conforming_strings = on;\n\n";
}

std::vector<core::AppliedRevision> OfflineDatabase::read_applied() {
  return m_reads ? m_reads->read_applied() : std::vector<core::AppliedRevision>{};
}

std::string OfflineDatabase::read_content(const std::string& id) {
  return m_reads ? m_reads->read_content(id) : std::string();
}

bool OfflineDatabase::state_needs_layout() { return !m_reads || m_reads->state_needs_layout(); }

void OfflineDatabase::ensure_state() {
  if (state_needs_layout()) run({m_layout_sql, true});
}

std::vector<Database::Row> OfflineDatabase::run(const Batch& batch) {
  if (batch.transactional) m_out << "BEGIN;\n";
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const std::string& statement = batch.statements[i];
    m_out << statement;
    // Comment-only lines (backfill descriptions) take no semicolon. Other
    // statements end in a token (split_statements), never in a comment.
    if (statement.rfind("--", 0) != 0) m_out << ';';
    m_out << '\n';
    // COPY ... FROM stdin: its data as written, up to its end line.
    if (auto data = batch.copy_data.find(i); data != batch.copy_data.end()) {
      m_out << data->second;
      if (data->second.empty() || data->second.back() != '\n') m_out << '\n';
    }
  }
  if (batch.transactional) m_out << "COMMIT;\n";
  m_out << '\n';
  return {};
}

std::vector<Database::Row> OfflineDatabase::query(const std::string&) { return {}; }

}  // namespace migrate::engine
