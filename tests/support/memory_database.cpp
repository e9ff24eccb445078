#include "support/memory_database.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/revisions/checksum.hpp"
#include "engine/state_layout.hpp"

namespace migrate::testing {

using engine::DatabaseError;
namespace state = engine::state;

const core::AppliedRevision* MemoryServer::find(const std::string& id) const {
  for (const auto& revision : state.revisions)
    if (revision.id == id) return &revision;
  return nullptr;
}

MemoryDatabase::MemoryDatabase(MemoryServer& server) : m_server(server), m_pid(server.next_pid++) {
  m_server.application_names[m_pid] = "migrate test@memory";
}

MemoryDatabase::~MemoryDatabase() {
  if (m_server.lock_pid == m_pid) {
    m_server.lock_pid = 0;
    m_server.lock_depth = 0;
  }
}

engine::StateLayout MemoryDatabase::state_layout() { return m_server.state.layout; }

std::vector<core::AppliedRevision> MemoryDatabase::read_applied() {
  std::vector<core::AppliedRevision> applied = m_server.state.revisions;
  for (auto& revision : applied) revision.content.clear();
  return applied;
}

std::string MemoryDatabase::read_content(const std::string& id) {
  const auto* revision = m_server.find(id);
  return revision ? revision->content : std::string();
}

void MemoryDatabase::create_state() {
  m_server.state.layout = {true, engine::k_state_layout_version};
}

engine::LockAttempt MemoryDatabase::try_lock() {
  if (m_server.lock_pid != 0 && m_server.lock_pid != m_pid) return {false, m_pid, false};
  m_server.lock_pid = m_pid;
  ++m_server.lock_depth;
  return {true, m_pid, true};
}

bool MemoryDatabase::unlock() {
  bool held = m_server.lock_pid == m_pid;
  if (held && --m_server.lock_depth == 0) m_server.lock_pid = 0;
  m_server.state.holders.erase(m_pid);
  return held;
}

std::optional<engine::LockHolder> MemoryDatabase::lock_holder() {
  if (m_server.lock_pid == 0) return std::nullopt;
  engine::LockHolder holder;
  holder.session.pid = m_server.lock_pid;
  holder.session.application_name = m_server.application_names[m_server.lock_pid];
  holder.session.state = "idle";
  auto row = m_server.state.holders.find(m_server.lock_pid);
  if (row != m_server.state.holders.end()) {
    holder.has_row = true;
    holder.host = row->second.host;
    holder.command = row->second.command;
    holder.ci_job = row->second.ci_job;
    holder.heartbeat_age_seconds = 0;
  }
  return holder;
}

void MemoryDatabase::write_holder(const engine::HolderInfo& info) {
  if (m_server.state.layout.exists) m_server.state.holders[m_pid] = info;
}

void MemoryDatabase::heartbeat() {}

engine::ConnectionRoute MemoryDatabase::route() {
  return {m_server.pooled || proxied ? m_server.next_pid++ : m_pid, m_pid, m_server.name};
}

bool MemoryDatabase::terminate(int pid) {
  if (m_server.lock_pid != pid) return false;
  m_server.lock_pid = 0;
  m_server.lock_depth = 0;
  m_server.state.holders.erase(pid);
  return true;
}

bool MemoryDatabase::table_exists(const engine::TableName& table) {
  return m_server.tables.count(table.display()) > 0;
}

std::vector<std::string> MemoryDatabase::primary_key(const engine::TableName& table) {
  auto found = m_server.tables.find(table.display());
  return found == m_server.tables.end() ? std::vector<std::string>{} : found->second.key;
}

std::set<std::string> MemoryDatabase::volatile_functions(
    const std::vector<std::string>& functions) {
  std::set<std::string> found;
  for (const auto& name : functions)
    for (const auto& known : m_server.volatile_functions)
      if (known == name || known.substr(known.find('.') + 1) == name) found.insert(name);
  return found;
}

bool MemoryDatabase::index_is_invalid(const std::string& index) {
  return m_server.invalid_indexes.count(index) > 0;
}

std::vector<engine::InvalidIndex> MemoryDatabase::invalid_indexes() {
  std::vector<engine::InvalidIndex> indexes;
  for (const auto& name : m_server.invalid_indexes) indexes.push_back({name, ""});
  return indexes;
}

core::ForeignState MemoryDatabase::foreign_state() {
  core::ForeignState found = m_server.foreign;
  found.migrate_state = m_server.state.layout.exists;
  return found;
}

void MemoryDatabase::check_failure(const std::string& text, int index) {
  for (auto& failure : m_server.failures) {
    if (failure.times == 0 || text.find(failure.text) == std::string::npos) continue;
    if (failure.pass > 0) {
      --failure.pass;
      continue;
    }
    if (failure.times > 0) --failure.times;
    throw DatabaseError(fmt::format("ERROR:  {} (SQLSTATE {})", text, failure.sqlstate),
                        failure.sqlstate, index);
  }
}

void MemoryDatabase::apply(const engine::Statement& statement, MemoryServer::State& s,
                           std::vector<std::string>& executed, int index) {
  if (!statement.change) {
    check_failure(statement.sql, index);
    executed.push_back(statement.sql);
    return;
  }
  if (!s.layout.exists)
    throw DatabaseError("ERROR:  relation \"migrate.revisions\" does not exist", "42P01", index);
  auto find = [&](const std::string& id) -> core::AppliedRevision* {
    for (auto& revision : s.revisions)
      if (revision.id == id) return &revision;
    return nullptr;
  };
  struct Apply {
    MemoryServer::State& s;
    decltype(find)& row;
    void operator()(const state::Record& c) {
      if (auto* r = row(c.revision->id)) {
        r->phase = c.phase;
        r->running_phase.reset();
        r->steps_done = 0;
        r->checksum = core::checksum(c.revision->content);
        r->duration_ms += c.duration_ms > 0 ? c.duration_ms : 0;
        r->note = c.note;
        return;
      }
      core::AppliedRevision r;
      r.id = c.revision->id;
      r.parents = c.revision->parents;
      r.message = c.revision->message;
      r.checksum = core::checksum(c.revision->content);
      r.phase = c.phase;
      r.applied_at = fmt::format("2026-01-01T00:00:{:02}Z", s.revisions.size() % 60);
      r.applied_by = "test@local";
      r.duration_ms = c.duration_ms > 0 ? c.duration_ms : 0;
      r.tool_version = c.provenance.tool_version;
      r.source = c.provenance.source;
      r.path = c.revision->path;
      r.content = c.revision->content;
      r.note = c.note;
      s.revisions.push_back(std::move(r));
    }
    void operator()(const state::RecordMany& c) {
      for (const core::Revision* revision : c.revisions)
        (*this)(state::Record{revision, c.phase, c.provenance, c.note, 0});
    }
    void operator()(const state::MarkInProgress& c) {
      core::AppliedRevision* r = row(c.revision->id);
      if (!r) {
        state::Record record{c.revision, core::AppliedPhase::in_progress, c.provenance, "", 0};
        (*this)(record);
        r = row(c.revision->id);
      }
      r->phase = core::AppliedPhase::in_progress;
      r->running_phase = c.running_phase;
      r->steps_done = c.steps_done;
    }
    void operator()(const state::SetProgress& c) {
      if (auto* r = row(c.id)) r->steps_done = c.steps_done;
    }
    void operator()(const state::SetNote& c) {
      if (auto* r = row(c.id)) r->note = c.note;
    }
    void operator()(const state::SetPhase& c) {
      if (auto* r = row(c.id)) {
        r->phase = c.phase;
        r->running_phase.reset();
        r->steps_done = 0;
      }
    }
    void operator()(const state::Forget& c) {
      s.revisions.erase(std::remove_if(s.revisions.begin(), s.revisions.end(),
                                       [&](auto& r) { return r.id == c.id; }),
                        s.revisions.end());
    }
    void operator()(const state::UpdateChecksum& c) {
      if (auto* r = row(c.revision->id)) {
        r->checksum = core::checksum(c.revision->content);
        r->content = c.revision->content;
        r->path = c.revision->path;
        r->note = c.note;
      }
    }
    void operator()(const state::Event& c) { s.events.push_back(c); }
    void operator()(const state::SaveBackfill& c) {
      s.backfills[{c.id, c.step}] = {c.last_key, c.rows_done, c.finished};
    }
    void operator()(const state::ClearBackfill& c) {
      for (auto it = s.backfills.begin(); it != s.backfills.end();)
        it = it->first.first == c.id ? s.backfills.erase(it) : std::next(it);
    }
  };
  std::visit(Apply{s, find}, *statement.change);
}

void MemoryDatabase::run(const engine::Batch& batch) {
  if (!batch.transactional) {
    for (size_t i = 0; i < batch.statements.size(); ++i)
      apply(batch.statements[i], m_server.state, m_server.executed, static_cast<int>(i));
    return;
  }
  // All or nothing: work on a copy, keep it only when every statement passed.
  MemoryServer::State state = m_server.state;
  std::vector<std::string> executed;
  for (size_t i = 0; i < batch.statements.size(); ++i)
    apply(batch.statements[i], state, executed, static_cast<int>(i));
  m_server.state = std::move(state);
  m_server.executed.insert(m_server.executed.end(), executed.begin(), executed.end());
}

std::optional<engine::BackfillProgress> MemoryDatabase::backfill_progress(
    const std::string& revision, int step) {
  auto found = m_server.state.backfills.find({revision, step});
  if (found == m_server.state.backfills.end()) return std::nullopt;
  return found->second;
}

namespace {

long long key_of(const std::vector<std::string>& key) {
  return key.empty() ? 0 : std::stoll(key.front());
}

}  // namespace

engine::BackfillRange MemoryDatabase::backfill_range(const engine::BackfillTarget& target,
                                                     const std::vector<std::string>& after) {
  auto found = m_server.tables.find(target.table.display());
  if (found == m_server.tables.end() || found->second.rows == 0) return {};
  return {{std::to_string(found->second.rows)}, std::max(0LL, found->second.rows - key_of(after))};
}

engine::BackfillBatchResult MemoryDatabase::run_backfill_batch(const engine::BackfillBatch& batch) {
  check_failure("backfill " + batch.target.table.display(), -1);
  long long from = key_of(batch.after);
  long long upper = key_of(batch.upper);
  long long picked = std::max(0LL, std::min<long long>(batch.limit, upper - from));
  engine::BackfillBatchResult result{picked, {}};
  if (picked == 0) return result;
  result.last_key = {std::to_string(from + picked)};
  m_server.state.backfills[{batch.revision, batch.step}] = {result.last_key,
                                                            batch.rows_done + picked, false};
  m_server.executed.push_back(
      fmt::format("backfill {} {}..{}", batch.target.table.display(), from + 1, from + picked));
  return result;
}

}  // namespace migrate::testing
