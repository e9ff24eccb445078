#include "core/importers/foreign_state.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace migrate::core {

const std::vector<StateTableSignature>& known_state_tables() {
  static const std::vector<StateTableSignature> k_signatures = {
      {"Alembic", "alembic", "", "alembic_version",
       "SELECT string_agg(version_num, ' ' ORDER BY version_num) FROM {}"},
      {"golang-migrate", "golang-migrate", "", "schema_migrations",
       "SELECT max(version)::text FROM {}"},
      {"Diesel", "diesel", "", "__diesel_schema_migrations", "SELECT max(version)::text FROM {}"},
      {"Flyway", "flyway", "", "flyway_schema_history",
       "SELECT version FROM {} WHERE version IS NOT NULL AND success ORDER BY installed_rank DESC "
       "LIMIT 1"},
      {"Sqitch", "sqitch", "sqitch", "changes",
       "SELECT change FROM {} ORDER BY committed_at DESC LIMIT 1"},
      {"Atlas", "", "atlas_schema_revisions", "atlas_schema_revisions",
       "SELECT max(version)::text FROM {}"},
      {"pgroll", "", "pgroll", "migrations",
       "SELECT name FROM {} ORDER BY created_at DESC LIMIT 1"},
      {"Django", "", "", "django_migrations",
       "SELECT app || '.' || name FROM {} ORDER BY id DESC LIMIT 1"},
      {"Knex", "", "", "knex_migrations", "SELECT name FROM {} ORDER BY id DESC LIMIT 1"},
      {"Sequelize", "", "", "SequelizeMeta", "SELECT max(name) FROM {}"},
      {"Liquibase", "", "", "databasechangelog",
       "SELECT id FROM {} ORDER BY orderexecuted DESC LIMIT 1"},
  };
  return k_signatures;
}

const std::vector<std::string>& tool_schemas() {
  static const std::vector<std::string> k_schemas = {"sqitch", "pgroll", "atlas_schema_revisions"};
  return k_schemas;
}

const std::vector<std::string>& tool_companion_tables() {
  static const std::vector<std::string> k_tables = {"ar_internal_metadata", "knex_migrations_lock",
                                                    "databasechangeloglock",
                                                    "flyway_schema_history_lock"};
  return k_tables;
}

bool needs_adoption(const ForeignState& state) {
  return !state.migrate_state && (!state.tools.empty() || state.user_table_count > 0);
}

namespace {

// dbmate and Rails share golang-migrate's table name, without its dirty flag.
const StateTableSignature k_dbmate = {"dbmate (or Rails)", "dbmate", "", "schema_migrations",
                                      "SELECT max(version)::text FROM {}"};

bool has_column(const ForeignTable& table, const char* name) {
  return std::find(table.columns.begin(), table.columns.end(), name) != table.columns.end();
}

}  // namespace

const StateTableSignature& signature_of(const ForeignTable& table) {
  for (const auto& signature : known_state_tables()) {
    if (signature.table != table.table) continue;
    if (!signature.schema.empty() && signature.schema != table.schema) continue;
    if (signature.table == "schema_migrations" && !has_column(table, "dirty")) return k_dbmate;
    return signature;
  }
  throw std::logic_error("signature_of: not a known state table: " + table.schema + "." +
                         table.table);
}

std::string tool_name(const ForeignTable& table) { return signature_of(table).tool; }

std::string describe_foreign_state(const ForeignState& state) {
  std::vector<std::string> parts;
  for (const auto& table : state.tools)
    parts.push_back(fmt::format("{} state table {}.{}, {}", tool_name(table), table.schema,
                                table.table,
                                table.newest.empty() ? std::string("no version recorded")
                                                     : "newest version " + table.newest));
  if (state.user_table_count > 0) {
    std::string names = fmt::format("{}", fmt::join(state.user_tables, ", "));
    long more = state.user_table_count - static_cast<long>(state.user_tables.size());
    if (more > 0) names += fmt::format(" and {} more", more);
    parts.push_back(fmt::format("{} table{} ({})", state.user_table_count,
                                state.user_table_count == 1 ? "" : "s", names));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string adoption_steps(const ForeignState& state) {
  std::string steps;
  for (const auto& table : state.tools) {
    const auto& signature = signature_of(table);
    if (signature.import_key.empty() || steps.find(signature.import_key) != std::string::npos)
      continue;
    steps += fmt::format(
        "`migrate import --from {0} SRC` writes revisions from its history, then `migrate stamp "
        "--from-state {0}` records them as applied; ",
        signature.import_key);
  }
  return "adopt the database first: " + steps +
         "`migrate stamp REV` records revisions that already describe this schema; "
         "`--allow-existing-schema` runs "
         "anyway (recorded)";
}

std::string adoption_hint(const ForeignState& state) {
  return "nothing was changed; " + adoption_steps(state);
}

UnadoptedDatabaseError::UnadoptedDatabaseError(ForeignState state)
    : Error(ExitCode::unadopted_database,
            "the database holds a schema that migrate did not write, and no migrate state: " +
                describe_foreign_state(state),
            adoption_hint(state)),
      m_state(std::move(state)) {}

}  // namespace migrate::core
