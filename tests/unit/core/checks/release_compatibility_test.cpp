// Whether a release's application can run on the database as it is: every
// rule of release_compatibility, and what contract would take from a live release.
#include "core/checks/release_compatibility.hpp"

#include "core/revisions/revision_script.hpp"
#include "support/test_helpers.hpp"

using migrate::core::AppliedPhase;
using migrate::core::AppliedRevision;
using migrate::core::contract_effects;
using migrate::core::live_release_conflicts;
using migrate::core::old_shape_changes;
using migrate::core::Phase;
using migrate::core::Release;
using migrate::core::release_compatibility;
using migrate::core::ReleaseFinding;
using migrate::core::ReleaseVerdict;
using migrate::core::RevisionGraph;
using migrate::core::SourceFile;
using migrate::test::applied_from;
using migrate::test::sql_file;
using Kind = ReleaseFinding::Kind;
using Strings = std::vector<std::string>;

namespace {

const SourceFile k_create = sql_file("a1", "", "CREATE TABLE users (id bigint, name text);");
const SourceFile k_index = sql_file("b2", "a1", "CREATE INDEX users_name_idx ON users (name);");
// The demo's split of name into first and last: name is dropped in contract.
const SourceFile k_split = {"s3.yaml",
                            "revision: s3\n"
                            "parents: [a1]\n"
                            "message: split name\n"
                            "operations:\n"
                            "  - add_column: {table: users, column: first, type: text, up: "
                            "\"split_part(name, ' ', 1)\"}\n"
                            "  - drop_column: {table: users, column: name, type: text, down: "
                            "\"first\"}\n"};

RevisionGraph files_of(const std::vector<SourceFile>& files) {
  return migrate::core::load_revisions(files);
}

Release release_of(const std::vector<SourceFile>& files) {
  return {"v1.0.1", "checkouts/v1.0.1/migrations", files_of(files)};
}

Strings reasons(const ReleaseVerdict& verdict) {
  Strings lines;
  for (const auto& finding : verdict.findings)
    lines.push_back(std::string(finding.compatible ? "ok " : "NO ") + finding.reason);
  return lines;
}

// A SQL revision "<id>.sql" whose up section starts on line 6 (5 without parents).
SourceFile sql_up(const std::string& id, const std::string& parents, const std::string& up) {
  return sql_file(id, parents, up);
}

}  // namespace

TEST_CASE("release_compatibility: every applied revision known and every needed one applied") {
  RevisionGraph files = files_of({k_create, k_index});
  Release release = release_of({k_create, k_index});
  ReleaseVerdict verdict =
      release_compatibility({applied_from(files, "a1"), applied_from(files, "b2")}, release, files);
  CHECK(verdict.compatible);
  CHECK(reasons(verdict) ==
        Strings{"ok a1 applied, known to v1.0.1", "ok b2 applied, known to v1.0.1"});
  CHECK(verdict.summary().empty());
}

TEST_CASE("release_compatibility: a revision the release needs that is pending is incompatible") {
  RevisionGraph files = files_of({k_create, k_index});
  ReleaseVerdict verdict =
      release_compatibility({applied_from(files, "a1")}, release_of({k_create, k_index}), files);
  CHECK_FALSE(verdict.compatible);
  REQUIRE(verdict.findings.size() == 2);
  CHECK(verdict.findings[1].kind == Kind::needed);
  CHECK(verdict.summary() == "b2 pending (add b2), which v1.0.1 needs");
}

TEST_CASE("release_compatibility: a needed revision still expanding is incompatible") {
  RevisionGraph files = files_of({k_create, k_index});
  AppliedRevision running = applied_from(files, "b2", AppliedPhase::in_progress);
  running.running_phase = Phase::expand;
  ReleaseVerdict verdict = release_compatibility({applied_from(files, "a1"), running},
                                                 release_of({k_create, k_index}), files);
  CHECK_FALSE(verdict.compatible);
  CHECK(verdict.summary() ==
        "b2 still expanding (interrupted or running), which v1.0.1 needs complete");
}

TEST_CASE("release_compatibility: an unknown revision only expanded keeps the old shape") {
  RevisionGraph files = files_of({k_create, k_split});
  ReleaseVerdict verdict = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "s3", AppliedPhase::expanded)},
      release_of({k_create}), files);
  CHECK(verdict.compatible);
  REQUIRE(verdict.findings.size() == 2);
  CHECK(verdict.findings[1].kind == Kind::expanded);
  CHECK(verdict.findings[1].reason ==
        "s3 only expanded, on top of a1: the old shape is still there (its contract drops "
        "users.name)");
}

TEST_CASE(
    "release_compatibility: an unknown revision contracted is incompatible, naming what went") {
  RevisionGraph files = files_of({k_create, k_split});
  ReleaseVerdict verdict = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "s3")}, release_of({k_create}), files);
  CHECK_FALSE(verdict.compatible);
  CHECK(verdict.findings[1].kind == Kind::contracted);
  CHECK(verdict.summary() == "s3 contracted (drops users.name, which v1.0.1 reads)");

  AppliedRevision contracting = applied_from(files, "s3", AppliedPhase::in_progress);
  contracting.running_phase = Phase::contract;
  verdict = release_compatibility({applied_from(files, "a1"), contracting}, release_of({k_create}),
                                  files);
  CHECK(verdict.summary() == "s3 contracting (drops users.name, which v1.0.1 reads)");
}

TEST_CASE("release_compatibility: an unknown SQL revision's contract section counts as contract") {
  SourceFile split = {"c4.sql",
                      "-- migrate:revision c4\n-- migrate:parents a1\n-- migrate:up\n"
                      "ALTER TABLE users ADD COLUMN full_name text;\n"
                      "-- migrate:contract\nALTER TABLE users DROP COLUMN name;\n"};
  RevisionGraph files = files_of({k_create, split});
  ReleaseVerdict expanded = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "c4", AppliedPhase::expanded)},
      release_of({k_create}), files);
  CHECK(expanded.compatible);
  ReleaseVerdict complete = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "c4")}, release_of({k_create}), files);
  CHECK(complete.summary() == "c4 contracted (drops users.name at c4.sql:6, which v1.0.1 reads)");
}

TEST_CASE(
    "release_compatibility: an unknown plain SQL revision that drops a column is incompatible") {
  SourceFile drop = sql_up("d5", "a1",
                           "ALTER TABLE users ADD COLUMN email text;\n"
                           "ALTER TABLE users DROP COLUMN name;");
  RevisionGraph files = files_of({k_create, drop});
  ReleaseVerdict verdict = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "d5")}, release_of({k_create}), files);
  CHECK_FALSE(verdict.compatible);
  CHECK(verdict.findings[1].kind == Kind::changed);
  CHECK(verdict.summary() ==
        "d5 changed the old shape in its up section, with no contract split (drops users.name at "
        "d5.sql:7), which v1.0.1 may read");
}

TEST_CASE("release_compatibility: an unknown plain SQL revision that only adds is compatible") {
  SourceFile add = sql_up("e6", "a1",
                          "ALTER TABLE users ADD COLUMN email text;\n"
                          "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
                          "CREATE TABLE audit (id bigint);\nUPDATE users SET email = '';");
  RevisionGraph files = files_of({k_create, add});
  ReleaseVerdict verdict = release_compatibility(
      {applied_from(files, "a1"), applied_from(files, "e6")}, release_of({k_create}), files);
  CHECK(verdict.compatible);
  CHECK(verdict.findings[1].kind == Kind::only_adds);
  CHECK(verdict.findings[1].reason ==
        "e6 unknown to v1.0.1, on top of a1: its up section only adds");
}

TEST_CASE(
    "release_compatibility: an unknown revision the files lack is read from the database's copy") {
  RevisionGraph with_split = files_of({k_create, k_split});
  AppliedRevision split = applied_from(with_split, "s3");
  RevisionGraph files = files_of({k_create});  // this checkout does not know s3 either
  ReleaseVerdict verdict =
      release_compatibility({applied_from(files, "a1"), split}, release_of({k_create}), files);
  CHECK(verdict.summary() == "s3 contracted (drops users.name, which v1.0.1 reads)");

  split.content.clear();
  verdict =
      release_compatibility({applied_from(files, "a1"), split}, release_of({k_create}), files);
  CHECK(verdict.findings[1].kind == Kind::unreadable);
  CHECK_FALSE(verdict.compatible);
  CHECK(verdict.summary() ==
        "s3 unknown to v1.0.1, and neither these files nor the database hold a copy migrate can "
        "read: what it changed cannot be told");
}

TEST_CASE("old_shape_changes: drops, renames, type changes and tightening, each with its line") {
  RevisionGraph files = files_of({sql_up("f7", "",
                                         "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                                         "ALTER TABLE users RENAME TO people;\n"
                                         "ALTER TABLE app.orders ALTER COLUMN total TYPE numeric;\n"
                                         "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                                         "DROP TABLE audit, app.log;\n"
                                         "DROP INDEX users_name_idx;\n"
                                         "DO $$ BEGIN PERFORM 1; END $$;\n"
                                         "ALTER TABLE users ADD COLUMN nick text;\n"
                                         "ALTER TABLE users ALTER COLUMN nick DROP NOT NULL;")});
  CHECK(old_shape_changes(migrate::core::steps_for(files.get("f7"), Phase::expand)) ==
        Strings{"renames users.name to full_name at f7.sql:5",
                "renames table users to people at f7.sql:6",
                "changes the type of app.orders.total at f7.sql:7",
                "makes users.email NOT NULL at f7.sql:8", "drops table audit, app.log at f7.sql:9",
                "drops index users_name_idx at f7.sql:10",
                "runs a DO block, whose effect migrate cannot read at f7.sql:11"});
}

TEST_CASE("contract_effects: what each YAML operation's contract removes") {
  SourceFile file = {"g8.yaml",
                     "revision: g8\nmessage: reshape\noperations:\n"
                     "  - rename_column: {table: users, from: name, to: full_name}\n"
                     "  - drop_table: {table: app.audit}\n"
                     "  - drop_index: {name: users_email_idx}\n"
                     "  - create_index: {name: users_nick_idx, table: users, columns: [nick]}\n"};
  RevisionGraph files = files_of({file});
  CHECK(contract_effects(files.get("g8")) == Strings{"drops users.name (renamed full_name)",
                                                     "drops table app.audit",
                                                     "drops index users_email_idx"});
}

TEST_CASE("live_release_conflicts: a contract a live release does not know is named with it") {
  RevisionGraph files = files_of({k_create, k_split});
  Release old_release = release_of({k_create});
  Release new_release = {"v2.0.0", "v2/migrations", files_of({k_create, k_split})};
  CHECK(live_release_conflicts({"s3"}, files, {new_release}).empty());
  CHECK(live_release_conflicts({"s3"}, files, {new_release, old_release}) ==
        Strings{"s3 (split name): its contract drops users.name, which live release v1.0.1 still "
                "reads (v1.0.1 does not know this revision)"});
}
