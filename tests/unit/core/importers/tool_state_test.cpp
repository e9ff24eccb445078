// Another tool's state read as migrate revisions: the applied set must be
// known to the files and closed under ancestors.
#include "core/importers/tool_state.hpp"

#include "support/test_helpers.hpp"

using namespace migrate::core;
using migrate::test::graph_of;
using Strings = std::vector<std::string>;

namespace {

std::string refusal(ImportTool tool, const std::vector<ToolStateRow>& rows,
                    const RevisionGraph& graph) {
  try {
    applied_from_state(tool, rows, graph, "public.t");
  } catch (const migrate::Error& error) {
    CHECK(error.code() == migrate::ExitCode::unadopted_database);
    return error.what();
  }
  FAIL("not refused");
  return {};
}

}  // namespace

TEST_CASE("applied_from_state: golang-migrate's one version means everything up to it") {
  auto graph = graph_of({{"1", ""}, {"2", "1"}, {"10", "2"}, {"11", "10"}});
  CHECK(applied_from_state(ImportTool::golang_migrate, {{"10", true, ""}}, graph, "t") ==
        Strings{"1", "2", "10"});
}

TEST_CASE("applied_from_state: Alembic's heads mean their ancestors too") {
  auto graph = graph_of({{"a", ""}, {"b", "a"}, {"c", "b"}});
  CHECK(applied_from_state(ImportTool::alembic, {{"b", true, ""}}, graph, "t") ==
        Strings{"a", "b"});
}

TEST_CASE("applied_from_state: Flyway's undo removes a version again") {
  auto graph = graph_of({{"1", ""}, {"1.1", "1"}});
  CHECK(applied_from_state(ImportTool::flyway,
                           {{"1", true, "SQL"}, {"1.1", true, "SQL"}, {"1.1", true, "UNDO_SQL"}},
                           graph, "t") == Strings{"1"});
}

TEST_CASE("applied_from_state: gaps, unknown versions and failures are refused") {
  auto graph = graph_of({{"1", ""}, {"2", "1"}, {"3", "2"}});
  CHECK(
      refusal(ImportTool::diesel, {{"1", true, ""}, {"3", true, ""}}, graph) ==
      "diesel in public.t applied versions out of order: 2 is not applied, but later versions are");
  CHECK(refusal(ImportTool::dbmate, {{"1", true, ""}, {"7", true, ""}, {"8", true, ""}}, graph) ==
        "dbmate in public.t records versions 7, 8 that the migration files do not hold");
  CHECK(refusal(ImportTool::flyway, {{"1", false, "SQL"}}, graph) ==
        "flyway records version 1 in public.t as failed");
}
