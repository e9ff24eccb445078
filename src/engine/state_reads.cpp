// StateSql's reads and the lock holder row: the SELECTs of migrate's own
// tables and the checked reading of their rows.
#include <fmt/format.h>

#include <algorithm>

#include "core/number.hpp"
#include "core/sql/sql_text.hpp"
#include "engine/state_sql.hpp"

namespace migrate::engine {

using core::quote_literal;

namespace {

const char* k_utc_text = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

const std::string& text_of(const Row& row, size_t column) {
  static const std::string empty;
  return column < row.size() && row[column] ? *row[column] : empty;
}

}  // namespace

std::vector<std::string> parse_text_array(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  bool quoted = false, in_item = false;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 2 < text.size())
        current += text[++i];
      else if (c == '"')
        quoted = false;
      else
        current += c;
    } else if (c == '"') {
      quoted = in_item = true;
    } else if (c == ',') {
      items.push_back(current);
      current.clear();
      in_item = false;
    } else {
      current += c;
      in_item = true;
    }
  }
  if (in_item || !items.empty()) items.push_back(current);
  return items;
}

std::string StateSql::probe() const {
  return fmt::format(
      "SELECT to_regclass({0}) IS NOT NULL, to_regclass({1}) IS NOT NULL, (SELECT "
      "string_agg(attname, ',') FROM "
      "pg_attribute WHERE attrelid = to_regclass({0}) AND attnum > 0 AND NOT attisdropped)",
      quote_literal(table("revisions")), quote_literal(table("layout")));
}

std::string StateSql::layout_version() const {
  return fmt::format("SELECT coalesce(max(version), 0) FROM {}", table("layout"));
}

std::string StateSql::applied(const std::set<std::string>& present) const {
  auto column = [&](const char* name, const std::string& expression, const char* missing) {
    return present.count(name) ? expression : std::string(missing);
  };
  return fmt::format(
      "SELECT id, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} FROM {}",
      column("parents", "array_to_string(parents, ' ')", "''"), column("message", "message", "''"),
      column("checksum", "checksum", "''"), column("phase", "phase", "'complete'"),
      column("applied_at", fmt::format("to_char(applied_at AT TIME ZONE 'UTC', {})", k_utc_text),
             "''"),
      column("applied_by", "applied_by", "''"), column("duration_ms", "duration_ms", "0"),
      column("tool_version", "tool_version", "''"), column("source", "source", "''"),
      column("path", "path", "''"), column("running_phase", "coalesce(running_phase, '')", "''"),
      column("steps_done", "steps_done", "0"), column("note", "note", "''"),
      column("applied_at",
             "to_char(applied_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS') || ' ' || id", "id"),
      table("revisions"));
}

std::vector<core::AppliedRevision> StateSql::applied_in_order(
    size_t count, const std::function<void(size_t, Row&)>& fill) {
  // By the last column (applied_at to the microsecond, then id): sorted here,
  // not by the server, whose sort of every row spills to disk on large
  // histories. Rows are read twice into one reused buffer, once for the
  // keys and once, in order, for the records: neither the rows nor an
  // unsorted copy of the records of 50,000 revisions ever exist.
  std::vector<std::string> keys;
  keys.reserve(count);
  Row row;
  for (size_t i = 0; i < count; ++i) {
    fill(i, row);
    keys.push_back(text_of(row, row.size() - 1));
  }
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  keys = {};
  std::vector<core::AppliedRevision> records;
  records.reserve(count);
  for (size_t i : order) {
    fill(i, row);
    records.push_back(applied_from(row));
  }
  return records;
}

namespace {

std::vector<std::string> parents_of(const std::string& parents) {
  std::vector<std::string> ids;
  for (size_t pos = 0; pos < parents.size();) {
    size_t end = parents.find(' ', pos);
    if (end == std::string::npos) end = parents.size();
    if (end > pos) ids.push_back(parents.substr(pos, end - pos));
    pos = end + 1;
  }
  return ids;
}

core::AppliedPhase phase_of(const std::string& text, const std::string& what) {
  auto phase = core::applied_phase_named(text);
  if (!phase)
    throw Error(ExitCode::runtime,
                fmt::format("{}: unknown phase '{}' in the state table", what, text),
                "the state tables may have been edited by hand, or written by a newer migrate");
  return *phase;
}

std::optional<core::Phase> running_phase_of(const std::string& text, const std::string& what) {
  if (text.empty()) return std::nullopt;
  auto phase = core::phase_named(text);
  if (!phase)
    throw Error(ExitCode::runtime,
                fmt::format("{}: unknown running phase '{}' in the state table", what, text),
                "the state tables may have been edited by hand, or written by a newer migrate");
  return phase;
}

}  // namespace

core::AppliedRevision StateSql::applied_from(const Row& row) {
  core::AppliedRevision record;
  record.id = text_of(row, 0);
  record.parents = parents_of(text_of(row, 1));
  record.message = text_of(row, 2);
  record.checksum = text_of(row, 3);
  std::string what = "revision " + record.id;
  record.phase = phase_of(text_of(row, 4), what);
  record.applied_at = text_of(row, 5);
  record.applied_by = text_of(row, 6);
  record.duration_ms = core::parse_integer(text_of(row, 7), what + " duration_ms");
  record.tool_version = text_of(row, 8);
  record.source = text_of(row, 9);
  record.path = text_of(row, 10);
  record.running_phase = running_phase_of(text_of(row, 11), what);
  record.steps_done = static_cast<int>(core::parse_integer(text_of(row, 12), what + " steps_done"));
  record.note = text_of(row, 13);
  return record;
}

std::string StateSql::status_applied() const {
  return fmt::format(
      "SELECT id, array_to_string(parents, ' '), checksum, phase, coalesce(running_phase, ''), "
      "steps_done FROM {}",
      table("revisions"));
}

core::AppliedRevision StateSql::status_record_from(const Row& row) {
  core::AppliedRevision record;
  record.id = text_of(row, 0);
  record.parents = parents_of(text_of(row, 1));
  record.checksum = text_of(row, 2);
  std::string what = "revision " + record.id;
  record.phase = phase_of(text_of(row, 3), what);
  record.running_phase = running_phase_of(text_of(row, 4), what);
  record.steps_done = static_cast<int>(core::parse_integer(text_of(row, 5), what + " steps_done"));
  return record;
}

std::string StateSql::content(const std::string& id) const {
  return fmt::format("SELECT content FROM {} WHERE id = {}", table("revisions"), quote_literal(id));
}

std::string StateSql::backfill_progress(const std::string& id, int step) const {
  return fmt::format(
      "SELECT last_key::text, rows_done, finished FROM {} WHERE revision = {} AND step = {}",
      table("backfill_progress"), quote_literal(id), step);
}

BackfillProgress StateSql::backfill_progress_from(const Row& row) {
  BackfillProgress progress;
  progress.last_key = parse_text_array(text_of(row, 0));
  progress.rows_done = core::parse_integer(text_of(row, 1), "backfill_progress rows_done");
  progress.finished = text_of(row, 2) == "t";
  return progress;
}

std::string StateSql::holder_write(int32_t key, const HolderInfo& info) const {
  return fmt::format(
      "DO $holder$ BEGIN IF to_regclass({0}) IS NOT NULL THEN "
      "INSERT INTO {1} (lock_key, pid, backend_start, host, command, ci_job, started_at, "
      "heartbeat) "
      "SELECT {2}, pid, backend_start, {3}, {4}, {5}, now(), now() FROM pg_stat_activity WHERE pid "
      "= pg_backend_pid() "
      "ON CONFLICT (lock_key) DO UPDATE SET pid = EXCLUDED.pid, backend_start = "
      "EXCLUDED.backend_start, "
      "host = EXCLUDED.host, command = EXCLUDED.command, ci_job = EXCLUDED.ci_job, started_at = "
      "now(), "
      "heartbeat = now(); END IF; END $holder$",
      quote_literal(table("lock_holder")), table("lock_holder"), key, quote_literal(info.host),
      quote_literal(info.command), quote_literal(info.ci_job));
}

std::string StateSql::holder_heartbeat(int32_t key) const {
  return fmt::format(
      "UPDATE {} SET heartbeat = now() WHERE lock_key = {} AND pid = pg_backend_pid()",
      table("lock_holder"), key);
}

std::string StateSql::holder_read(int32_t key, int pid) const {
  return fmt::format(
      "SELECT host, command, ci_job, to_char(started_at AT TIME ZONE 'UTC', {0}), "
      "to_char(heartbeat AT TIME ZONE 'UTC', {0}), extract(epoch from clock_timestamp() - "
      "heartbeat) "
      "FROM {1} WHERE lock_key = {2} AND pid = {3}",
      k_utc_text, table("lock_holder"), key, pid);
}

void StateSql::holder_from(const Row& row, LockHolder& holder) {
  holder.has_row = true;
  holder.host = text_of(row, 0);
  holder.command = text_of(row, 1);
  holder.ci_job = text_of(row, 2);
  holder.started_at = text_of(row, 3);
  holder.heartbeat = text_of(row, 4);
  try {
    holder.heartbeat_age_seconds = std::stod(text_of(row, 5));
  } catch (const std::exception&) {
    holder.heartbeat_age_seconds = -1;
  }
}

std::string StateSql::release(int32_t lock_class, int32_t key) const {
  // The holder row first; then the unlock, answering whether this session
  // held the lock (asking pg_locks first spares the server's warning).
  return fmt::format(
      "DO $unlock$ BEGIN IF to_regclass({2}) IS NOT NULL THEN "
      "DELETE FROM {3} WHERE lock_key = {1} AND pid = pg_backend_pid(); END IF; END $unlock$; "
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND "
      "classid = {4}::oid AND objid = {5}::oid AND objsubid = 2 AND pid = pg_backend_pid() AND "
      "granted) THEN pg_advisory_unlock({0}, {1}) ELSE false END",
      lock_class, key, quote_literal(table("lock_holder")), table("lock_holder"),
      static_cast<uint32_t>(lock_class), static_cast<uint32_t>(key));
}

}  // namespace migrate::engine
