#include "engine/state_sql.hpp"

#include <fmt/format.h>

#include "core/revisions/checksum.hpp"
#include "core/sql/sql_text.hpp"
#include "engine/state_layout.hpp"

namespace migrate::engine {

using core::quote_ident;
using core::quote_literal;

namespace {

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "ARRAY[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + quote_literal(items[i]);
  return out + "]::text[]";
}

const char* k_applied_by = "current_user || '@' || coalesce(host(inet_client_addr()), 'local')";
const char* k_duration = "(extract(epoch from clock_timestamp() - now()) * 1000)::bigint";

}  // namespace

StateSql::StateSql(std::string schema)
    : m_schema(std::move(schema)), m_quoted(quote_ident(m_schema)) {}

std::string StateSql::table(const char* name) const { return m_quoted + "." + quote_ident(name); }

std::vector<std::string> StateSql::ensure_layout() const {
  const std::string revisions = table("revisions");
  std::vector<std::string> sql = {
      fmt::format("CREATE SCHEMA IF NOT EXISTS {}", m_quoted),
      fmt::format("CREATE TABLE IF NOT EXISTS {} (version integer NOT NULL)", table("layout")),
      fmt::format("CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY)", revisions),
  };
  // Every column is added on its own, so a database made by an older layout
  // gains what is new and keeps its rows.
  const char* columns[][2] = {
      {"parents", "text[] NOT NULL DEFAULT '{}'"},
      {"message", "text NOT NULL DEFAULT ''"},
      {"checksum", "text NOT NULL DEFAULT ''"},
      {"phase", "text NOT NULL DEFAULT 'complete'"},
      {"running_phase", "text"},
      {"steps_done", "integer NOT NULL DEFAULT 0"},
      {"applied_at", "timestamptz NOT NULL DEFAULT now()"},
      {"applied_by", "text NOT NULL DEFAULT ''"},
      {"duration_ms", "bigint NOT NULL DEFAULT 0"},
      {"tool_version", "text NOT NULL DEFAULT ''"},
      {"source", "text NOT NULL DEFAULT ''"},
      {"path", "text NOT NULL DEFAULT ''"},
      {"content", "text NOT NULL DEFAULT ''"},
      {"note", "text NOT NULL DEFAULT ''"},
  };
  for (const auto& column : columns)
    sql.push_back(fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}", revisions, column[0],
                              column[1]));
  sql.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT "
      "now(), "
      "who text NOT NULL DEFAULT {}, kind text NOT NULL, revision text NOT NULL DEFAULT '', "
      "detail text NOT NULL DEFAULT '')",
      table("events"), k_applied_by));
  sql.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (lock_key bigint PRIMARY KEY, pid integer NOT NULL, "
      "backend_start timestamptz, host text NOT NULL DEFAULT '', command text NOT NULL DEFAULT '', "
      "ci_job text NOT NULL DEFAULT '', started_at timestamptz NOT NULL DEFAULT now(), "
      "heartbeat timestamptz NOT NULL DEFAULT now())",
      table("lock_holder")));
  sql.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (revision text NOT NULL, step integer NOT NULL, "
      "last_key text[] NOT NULL DEFAULT '{{}}', rows_done bigint NOT NULL DEFAULT 0, "
      "finished boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now(), "
      "PRIMARY KEY (revision, step))",
      table("backfill_progress")));
  sql.push_back(
      fmt::format("INSERT INTO {0} (version) SELECT {1} WHERE NOT EXISTS (SELECT 1 FROM {0})",
                  table("layout"), k_state_layout_version));
  sql.push_back(fmt::format("UPDATE {} SET version = {} WHERE version < {}", table("layout"),
                            k_state_layout_version, k_state_layout_version));
  return sql;
}

// The VALUES rows of record()/record_many(), appended to `out`.
static void append_record_row(std::string& out, const core::Revision& revision,
                              core::AppliedPhase phase, const std::string& duration,
                              const std::string& quoted_tool_version,
                              const std::string& quoted_source, const std::string& quoted_note) {
  fmt::format_to(
      std::back_inserter(out), "({}, {}, {}, {}, {}, NULL, 0, now(), {}, {}, {}, {}, {}, {}, {})",
      quote_literal(revision.id), text_array(revision.parents), quote_literal(revision.message),
      quote_literal(core::checksum(revision.content)), quote_literal(core::to_string(phase)),
      k_applied_by, duration, quoted_tool_version, quoted_source, quote_literal(revision.path),
      quote_literal(revision.content), quoted_note);
}

static std::string record_statement(const StateSql& state, const std::string& rows) {
  return fmt::format(
      "INSERT INTO {0} (id, parents, message, checksum, phase, running_phase, steps_done, "
      "applied_at, applied_by, duration_ms, tool_version, source, path, content, note) VALUES {1} "
      "ON CONFLICT (id) DO UPDATE SET phase = EXCLUDED.phase, running_phase = NULL, steps_done = "
      "0, checksum = EXCLUDED.checksum, duration_ms = {0}.duration_ms + EXCLUDED.duration_ms, "
      "note = EXCLUDED.note",
      state.table("revisions"), rows);
}

std::string StateSql::record(const core::Revision& revision, core::AppliedPhase phase,
                             const std::string& source, const std::string& tool_version,
                             const std::string& note, long long duration_ms) const {
  std::string row;
  append_record_row(row, revision, phase,
                    duration_ms >= 0 ? std::to_string(duration_ms) : std::string(k_duration),
                    quote_literal(tool_version), quote_literal(source), quote_literal(note));
  return record_statement(*this, row);
}

std::string StateSql::record_many(const std::vector<const core::Revision*>& revisions,
                                  core::AppliedPhase phase, const std::string& source,
                                  const std::string& tool_version, const std::string& note) const {
  const std::string quoted_tool_version = quote_literal(tool_version);
  const std::string quoted_source = quote_literal(source);
  const std::string quoted_note = quote_literal(note);
  std::string rows;
  for (const core::Revision* revision : revisions) {
    if (!rows.empty()) rows += ", ";
    append_record_row(rows, *revision, phase, "0", quoted_tool_version, quoted_source, quoted_note);
  }
  return record_statement(*this, rows);
}

std::string StateSql::mark_in_progress(const core::Revision& revision, core::Phase running_phase,
                                       int steps_done, const std::string& source,
                                       const std::string& tool_version) const {
  return fmt::format(
      "INSERT INTO {0} (id, parents, message, checksum, phase, running_phase, steps_done, "
      "applied_at, "
      "applied_by, tool_version, source, path, content) VALUES ({1}, {2}, {3}, {4}, 'in_progress', "
      "{5}, {6}, "
      "now(), {7}, {8}, {9}, {10}, {11}) ON CONFLICT (id) DO UPDATE SET phase = 'in_progress', "
      "running_phase = "
      "EXCLUDED.running_phase, steps_done = EXCLUDED.steps_done",
      table("revisions"), quote_literal(revision.id), text_array(revision.parents),
      quote_literal(revision.message), quote_literal(core::checksum(revision.content)),
      quote_literal(core::to_string(running_phase)), steps_done, k_applied_by,
      quote_literal(tool_version), quote_literal(source), quote_literal(revision.path),
      quote_literal(revision.content));
}

std::string StateSql::set_progress(const std::string& id, int steps_done) const {
  return fmt::format("UPDATE {} SET steps_done = {} WHERE id = {}", table("revisions"), steps_done,
                     quote_literal(id));
}

std::string StateSql::set_phase(const std::string& id, core::AppliedPhase phase) const {
  return fmt::format("UPDATE {} SET phase = {}, running_phase = NULL, steps_done = 0 WHERE id = {}",
                     table("revisions"), quote_literal(core::to_string(phase)), quote_literal(id));
}

std::string StateSql::forget(const std::string& id) const {
  return fmt::format("DELETE FROM {} WHERE id = {}", table("revisions"), quote_literal(id));
}

std::string StateSql::set_note(const std::string& id, const std::string& note) const {
  return fmt::format("UPDATE {} SET note = {} WHERE id = {}", table("revisions"),
                     quote_literal(note), quote_literal(id));
}

std::string StateSql::update_checksum(const core::Revision& revision,
                                      const std::string& note) const {
  return fmt::format(
      "UPDATE {} SET checksum = {}, content = {}, path = {}, note = {} WHERE id = {}",
      table("revisions"), quote_literal(core::checksum(revision.content)),
      quote_literal(revision.content), quote_literal(revision.path), quote_literal(note),
      quote_literal(revision.id));
}

std::string StateSql::event(const std::string& kind, const std::string& revision,
                            const std::string& detail) const {
  return fmt::format("INSERT INTO {} (kind, revision, detail) VALUES ({}, {}, {})", table("events"),
                     quote_literal(kind), quote_literal(revision), quote_literal(detail));
}

std::string StateSql::save_backfill(const std::string& id, int step,
                                    const std::vector<std::string>& last_key, long long rows_done,
                                    bool finished) const {
  return fmt::format(
      "INSERT INTO {0} (revision, step, last_key, rows_done, finished, updated_at) VALUES ({1}, "
      "{2}, {3}, {4}, "
      "{5}, now()) ON CONFLICT (revision, step) DO UPDATE SET last_key = EXCLUDED.last_key, "
      "rows_done = "
      "EXCLUDED.rows_done, finished = EXCLUDED.finished, updated_at = now()",
      table("backfill_progress"), quote_literal(id), step, text_array(last_key), rows_done,
      finished ? "true" : "false");
}

std::string StateSql::clear_backfill(const std::string& id) const {
  return fmt::format("DELETE FROM {} WHERE revision = {}", table("backfill_progress"),
                     quote_literal(id));
}

std::string StateSql::sql(const state::Change& change) const {
  struct Render {
    const StateSql& state;
    std::string operator()(const state::Record& c) const {
      return state.record(*c.revision, c.phase, c.provenance.source, c.provenance.tool_version,
                          c.note, c.duration_ms);
    }
    std::string operator()(const state::RecordMany& c) const {
      return state.record_many(c.revisions, c.phase, c.provenance.source, c.provenance.tool_version,
                               c.note);
    }
    std::string operator()(const state::MarkInProgress& c) const {
      return state.mark_in_progress(*c.revision, c.running_phase, c.steps_done, c.provenance.source,
                                    c.provenance.tool_version);
    }
    std::string operator()(const state::SetProgress& c) const {
      return state.set_progress(c.id, c.steps_done);
    }
    std::string operator()(const state::SetNote& c) const { return state.set_note(c.id, c.note); }
    std::string operator()(const state::SetPhase& c) const {
      return state.set_phase(c.id, c.phase);
    }
    std::string operator()(const state::Forget& c) const { return state.forget(c.id); }
    std::string operator()(const state::UpdateChecksum& c) const {
      return state.update_checksum(*c.revision, c.note);
    }
    std::string operator()(const state::Event& c) const {
      return state.event(c.kind, c.revision, c.detail);
    }
    std::string operator()(const state::SaveBackfill& c) const {
      return state.save_backfill(c.id, c.step, c.last_key, c.rows_done, c.finished);
    }
    std::string operator()(const state::ClearBackfill& c) const {
      return state.clear_backfill(c.id);
    }
  };
  return std::visit(Render{*this}, change);
}

}  // namespace migrate::engine
