#include "pg/foreign_state_query.hpp"

#include <fmt/format.h>

#include "core/number.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::pg {

using core::quote_literal;

namespace {

constexpr int k_tables_named = 5;

std::string literal_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back(quote_literal(name));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find(',', pos), text.size());
    parts.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return parts;
}

}  // namespace

core::ForeignState read_foreign_state(const Query& query, const engine::StateSql& state) {
  core::ForeignState found;
  auto own = query(
      fmt::format("SELECT to_regclass({}) IS NOT NULL", quote_literal(state.table("revisions"))));
  found.migrate_state = own.at(0).at(0).value_or("f") == "t";
  if (found.migrate_state) return found;

  std::vector<std::string> state_names, any_schema_names = core::tool_companion_tables();
  for (const auto& signature : core::known_state_tables()) {
    state_names.push_back(signature.table);
    if (signature.schema.empty()) any_schema_names.push_back(signature.table);
  }
  auto candidates =
      query(fmt::format("SELECT n.nspname, c.relname, (SELECT string_agg(attname, ',' "
                        "ORDER BY attnum) FROM pg_attribute "
                        "WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped) FROM "
                        "pg_class c JOIN pg_namespace n ON n.oid = "
                        "c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.relname IN "
                        "({}) AND n.nspname NOT IN ('pg_catalog', "
                        "'information_schema') ORDER BY 1, 2",
                        literal_list(state_names)));
  for (const auto& signature : core::known_state_tables()) {
    for (const auto& row : candidates) {
      core::ForeignTable table{row[0].value_or(""), row[1].value_or(""),
                               split_commas(row[2].value_or("")), ""};
      if (table.table != signature.table ||
          (!signature.schema.empty() && table.schema != signature.schema))
        continue;
      std::string relation = core::quote_ident(table.schema) + "." + core::quote_ident(table.table);
      try {
        auto newest =
            query(fmt::format(fmt::runtime(core::signature_of(table).newest_sql), relation));
        if (!newest.empty() && !newest[0].empty()) table.newest = newest[0][0].value_or("");
      } catch (const engine::DatabaseError&) {
        // A table of that name in another shape: it is still named, without a version.
      }
      found.tools.push_back(std::move(table));
    }
  }

  std::vector<std::string> excluded_schemas = core::tool_schemas();
  excluded_schemas.push_back(state.schema());
  auto tables = query(
      fmt::format("SELECT n.nspname || '.' || c.relname, count(*) OVER () FROM pg_class c JOIN "
                  "pg_namespace n ON n.oid = "
                  "c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND "
                  "n.nspname NOT IN ('pg_catalog', "
                  "'information_schema', {}) AND n.nspname NOT LIKE 'pg\\_%' AND c.relname NOT IN "
                  "({}) AND NOT EXISTS (SELECT 1 "
                  "FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND "
                  "d.deptype = 'e') "
                  "ORDER BY 1 LIMIT {}",
                  literal_list(excluded_schemas), literal_list(any_schema_names), k_tables_named));
  for (const auto& row : tables) found.user_tables.push_back(row[0].value_or(""));
  if (!tables.empty())
    found.user_table_count = core::parse_integer(tables[0][1].value_or("0"), "table count");
  return found;
}

}  // namespace migrate::pg
