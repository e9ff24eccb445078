#include "core/operations/column_dependents.hpp"

#include <fmt/format.h>

#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

// One text per object that depends on the column, read from pg_depend:
// normal and automatic dependencies (not the column's default, which is
// copied, nor the transient NOT NULL check migrate adds in contract).
std::string dependents_query(const TableName& table, const std::string& column) {
  return fmt::format(
      "SELECT string_agg(DISTINCT what, ', ' ORDER BY what) FROM (\n"
      "    SELECT CASE\n"
      "      WHEN d.classid = 'pg_catalog.pg_rewrite'::regclass THEN (\n"
      "        SELECT CASE c.relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END || "
      "c.oid::regclass::text\n"
      "        FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class WHERE "
      "r.oid = d.objid)\n"
      "      WHEN d.classid = 'pg_catalog.pg_constraint'::regclass THEN (\n"
      "        SELECT CASE k.contype WHEN 'f' THEN 'foreign key ' WHEN 'u' THEN 'unique "
      "constraint ' WHEN 'p' THEN 'primary key ' WHEN 'c' THEN 'check constraint ' WHEN 'x' THEN "
      "'exclusion constraint ' ELSE 'constraint ' END || pg_catalog.quote_ident(k.conname) || ' on "
      "' || k.conrelid::regclass::text\n"
      "        FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid)\n"
      "      WHEN d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 THEN (\n"
      "        SELECT CASE c.relkind WHEN 'i' THEN 'index ' WHEN 'I' THEN 'index ' WHEN 'S' THEN "
      "'sequence ' ELSE 'relation ' END || c.oid::regclass::text FROM pg_catalog.pg_class c WHERE "
      "c.oid = d.objid)\n"
      "      ELSE pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)\n"
      "    END AS what\n"
      "    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid "
      "AND a.attnum = d.refobjsubid\n"
      "    WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = "
      "pg_catalog.to_regclass({0}) AND a.attname = {1} AND d.deptype IN ('n', 'a')\n"
      "      AND d.classid <> 'pg_catalog.pg_attrdef'::regclass\n"
      "      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE d.classid = "
      "'pg_catalog.pg_constraint'::regclass AND k.oid = d.objid AND k.conname = {2})\n"
      "  ) dependents",
      quote_literal(table.quoted()), quote_literal(column),
      quote_literal(limited_identifier("migrate_nn_" + column)));
}

}  // namespace

void refuse_column_dependents(StepWriter& out, const TableName& table, const std::string& column,
                              const std::string& what, const std::string& in_place) {
  const std::string column_text = fmt::format("{}.{}", table.display(), column);
  std::string body = fmt::format(
      "DECLARE\n"
      "  lost text := ({});\n"
      "BEGIN\n"
      "  IF lost IS NOT NULL THEN\n"
      "    RAISE EXCEPTION USING MESSAGE = {} || {} || lost;\n"
      "  END IF;\n"
      "END",
      dependents_query(table, column), out.location_literal(),
      quote_literal(fmt::format("{} would lose what depends on {}: ", what, column_text)));
  out.check(
      body, "refuse to lose what depends on " + column_text,
      fmt::format("migrate carries over the default and NOT NULL of {0}, nothing else. Drop these "
                  "objects in a revision before this one and create them on the new column in one "
                  "after it (a view likewise), or, if the old application version no longer runs, "
                  "use a `sql` operation with {1}, which keeps them",
                  column_text, in_place));
}

}  // namespace migrate::core
