// Where the database stands against the files, and the refusals built from it.
#include "core/revisions/status.hpp"

#include "support/test_helpers.hpp"

using migrate::ExitCode;
using migrate::core::AppliedPhase;
using migrate::core::AppliedRevision;
using migrate::core::ChangedFilesError;
using migrate::core::compute_status;
using migrate::core::RevisionGraph;
using migrate::core::UnknownRevisionsError;
using migrate::test::applied_from;
using migrate::test::error_from;
using migrate::test::graph_of;
using Strings = std::vector<std::string>;

namespace {

// a -> b -> c, a -> d
RevisionGraph files() { return graph_of({{"a", ""}, {"b", "a"}, {"c", "b"}, {"d", "a"}}); }

// The v1.0.1 hotfix revision the v2 checkout does not have.
AppliedRevision hotfix() {
  AppliedRevision record;
  record.id = "h1";
  record.parents = {"a"};
  record.message = "hotfix: index users.name";
  record.checksum = "sha256:1:" + std::string(64, '0');
  record.applied_at = "2026-11-20 10:00:00+00";
  record.applied_by = "deploy@10.0.0.7";
  record.tool_version = "0.1.0";
  record.source = "v1.0.1";
  record.path = "h1_hotfix.sql";
  return record;
}

}  // namespace

TEST_CASE("compute_status: applied and pending, in graph order") {
  auto graph = files();
  auto status = compute_status(graph, {applied_from(graph, "b"), applied_from(graph, "a")});
  CHECK(status.applied == Strings{"a", "b"});
  CHECK(status.pending == Strings{"c", "d"});
  CHECK(status.unknown.empty());
  CHECK(status.changed.empty());
  CHECK(status.expanded.empty());
  CHECK(status.in_progress.empty());
  CHECK(status.file_heads == Strings{"c", "d"});
  CHECK(status.database_heads == Strings{"b"});
  CHECK(status.consistent());
}

TEST_CASE("compute_status: an empty database has everything pending and no heads") {
  auto graph = files();
  auto status = compute_status(graph, {});
  CHECK(status.applied.empty());
  CHECK(status.pending == Strings{"a", "b", "c", "d"});
  CHECK(status.database_heads.empty());
  CHECK(status.consistent());
}

TEST_CASE("compute_status: unknown revisions make the state inconsistent") {
  auto graph = files();
  auto status = compute_status(graph, {applied_from(graph, "a"), hotfix()});
  REQUIRE(status.unknown.size() == 1);
  CHECK(status.unknown[0].id == "h1");
  CHECK(status.unknown[0].source == "v1.0.1");
  CHECK(status.applied == Strings{"a"});
  CHECK(status.database_heads == Strings{"h1"});
  CHECK_FALSE(status.consistent());
}

TEST_CASE("compute_status: a file changed since it was applied") {
  auto graph = files();
  auto edited = applied_from(graph, "b");
  edited.checksum = migrate::core::checksum("the file as it was applied\n");
  auto status = compute_status(graph, {applied_from(graph, "a"), edited});
  CHECK(status.changed == Strings{"b"});
  CHECK(status.applied == Strings{"a", "b"});
  CHECK_FALSE(status.consistent());
}

TEST_CASE("compute_status: whitespace-only edits do not count as changes") {
  auto graph = files();
  auto record = applied_from(graph, "a");
  record.checksum = migrate::core::checksum(graph.get("a").content + "\n\n   \n");
  CHECK(compute_status(graph, {record}).changed.empty());
}

TEST_CASE("compute_status: expanded and in-progress revisions") {
  auto graph = files();
  auto status = compute_status(graph, {applied_from(graph, "a", AppliedPhase::complete),
                                       applied_from(graph, "b", AppliedPhase::expanded),
                                       applied_from(graph, "d", AppliedPhase::in_progress)});
  CHECK(status.expanded == Strings{"b"});
  CHECK(status.in_progress == Strings{"d"});
  CHECK(status.applied == Strings{"a", "b", "d"});
  CHECK(status.pending == Strings{"c"});
  CHECK(status.consistent());
}

TEST_CASE("compute_status: database heads are the applied revisions nothing applied builds on") {
  auto graph = files();
  auto status = compute_status(graph, {applied_from(graph, "a"), applied_from(graph, "b"),
                                       applied_from(graph, "d"), hotfix()});
  CHECK(status.database_heads == Strings{"b", "d", "h1"});
}

TEST_CASE("known_phases: the phases of applied revisions the files know") {
  auto graph = files();
  auto phases = migrate::core::known_phases(
      graph,
      {applied_from(graph, "a"), applied_from(graph, "b", AppliedPhase::expanded), hotfix()});
  CHECK(phases.size() == 2);
  CHECK(phases.at("a") == AppliedPhase::complete);
  CHECK(phases.at("b") == AppliedPhase::expanded);
  CHECK(phases.count("h1") == 0);
}

TEST_CASE(
    "UnknownRevisionsError: says which revision, where it came from and what to do (exit 3)") {
  UnknownRevisionsError error({hotfix()});
  CHECK(error.code() == ExitCode::unknown_revisions);
  CHECK(static_cast<int>(error.code()) == 3);
  CHECK(std::string(error.what()) ==
        "the database holds 1 revision that the migration files do not know:\n"
        "  h1  hotfix: index users.name\n"
        "      applied 2026-11-20 10:00:00+00 by deploy@10.0.0.7 with migrate 0.1.0, from v1.0.1 "
        "(file h1_hotfix.sql)");
  CHECK(error.hint() ==
        "nothing was changed. Bring the branch that holds this revision into this checkout (e.g. "
        "merge the "
        "hotfix branch), then run `migrate resolve-branch`. `migrate show h1` prints it from the "
        "database and "
        "`--write` restores its file. In an emergency, `--ignore-unknown` proceeds anyway "
        "(recorded).");
  REQUIRE(error.unknown().size() == 1);
  CHECK(error.unknown()[0].id == "h1");
}

TEST_CASE("UnknownRevisionsError: several revisions are all listed") {
  auto second = hotfix();
  second.id = "h2";
  second.message = "";
  second.applied_by = "";
  second.tool_version = "";
  second.source = "";
  second.path = "";
  UnknownRevisionsError error({hotfix(), second});
  CHECK_THAT(
      std::string(error.what()),
      Catch::StartsWith(
          "the database holds 2 revisions that the migration files do not know:\n  h1  ") &&
          Catch::EndsWith(
              "\n  h2  (no message)\n      applied 2026-11-20 10:00:00+00 by ? with migrate ?"));
  CHECK_THAT(error.hint(),
             Catch::Contains("holds these revisions") && Catch::Contains("`migrate show h1`"));
}

TEST_CASE("describe_applied: id, message, when, by whom, with what and from where") {
  CHECK(migrate::core::describe_applied(hotfix()) ==
        "  h1  hotfix: index users.name\n"
        "      applied 2026-11-20 10:00:00+00 by deploy@10.0.0.7 with migrate 0.1.0, from v1.0.1 "
        "(file h1_hotfix.sql)");
}

TEST_CASE("ChangedFilesError: names the changed files and how to accept them (exit 6)") {
  auto graph = files();
  std::vector<AppliedRevision> applied = {applied_from(graph, "a"), applied_from(graph, "b")};
  ChangedFilesError error(graph, applied, {"b"});
  CHECK(error.code() == ExitCode::checksum_mismatch);
  CHECK(static_cast<int>(error.code()) == 6);
  CHECK(error.changed() == Strings{"b"});
  CHECK(std::string(error.what()) ==
        "1 applied revision file changed since it was applied:\n  b  b.sql (applied 2026-11-20 "
        "10:00:00+00)");
  CHECK(error.hint() ==
        "nothing was changed. Restore the file, or accept the new content on purpose with "
        "`migrate stamp --update-checksum b` (recorded in the state table)");
}

TEST_CASE("ChangedFilesError: several files") {
  auto graph = files();
  ChangedFilesError error(graph, {applied_from(graph, "a"), applied_from(graph, "b")}, {"a", "b"});
  CHECK(std::string(error.what()) ==
        "2 applied revision files changed since they were applied:\n"
        "  a  a.sql (applied 2026-11-20 10:00:00+00)\n"
        "  b  b.sql (applied 2026-11-20 10:00:00+00)");
  CHECK_THAT(error.hint(), Catch::StartsWith("nothing was changed. Restore the files,"));
}
