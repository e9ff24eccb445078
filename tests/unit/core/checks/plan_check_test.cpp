// check_plan_sql: the SQL a plan will run is split and parsed before anything
// runs, and each problem names its file and line.
#include "core/checks/plan_check.hpp"

#include "support/test_helpers.hpp"

using migrate::core::check_plan_sql;
using migrate::core::load_revisions;
using migrate::core::Phase;
using migrate::core::Plan;
using migrate::core::SourceFile;
using Strings = std::vector<std::string>;

namespace {

Strings problems_in(const std::vector<SourceFile>& files, Phase phase) {
  auto graph = load_revisions(files);
  Plan plan;
  for (const auto& id : graph.order()) plan.push_back({id, phase});
  Strings out;
  for (const auto& problem : check_plan_sql(graph, plan)) out.push_back(problem.located());
  return out;
}

}  // namespace

TEST_CASE("check_plan_sql: a misspelt statement is located, never skipped") {
  CHECK(problems_in({{"a.sql",
                      "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT "
                      "1;\nSELEC 2;\n"}},
                    Phase::down) ==
        Strings{"a.sql:6: SQL syntax error: syntax error at or near \"SELEC\""});
}

TEST_CASE("check_plan_sql: statements of other phases are parsed too") {
  std::vector<SourceFile> files = {
      {"a.sql",
       "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABEL t;\n"}};
  CHECK(problems_in(files, Phase::down) ==
        Strings{"a.sql:5: SQL syntax error: syntax error at or near \"TABEL\""});
  // Expand-phase statements are parsed by lint, which upgrade runs on them.
  CHECK(problems_in(files, Phase::expand).empty());
}

TEST_CASE("check_plan_sql: sections that are fine give no problem") {
  CHECK(problems_in({migrate::test::sql_file("a")}, Phase::expand).empty());
}
