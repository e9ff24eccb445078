// The JSON documents of --json: the format version, and error documents that
// carry their failure's data; the summary of many lint warnings before a run.
#include "commands/json_document.hpp"

#include <catch2/catch.hpp>

#include "commands/preflight.hpp"
#include "core/checks/lint.hpp"
#include "core/revisions/status.hpp"
#include "engine/database_types.hpp"
#include "support/engine_fakes.hpp"

using migrate::ExitCode;
using migrate::FileProblem;
using migrate::InvalidFilesError;
using migrate::commands::error_document;
using migrate::commands::json_document;
using migrate::commands::k_json_format_version;
using migrate::commands::usage_error_document;

TEST_CASE("json_document: adds the format version to the document") {
  auto document = json_document({{"heads", {"a1"}}});
  CHECK(document["format_version"] == k_json_format_version);
  CHECK(document["heads"] == nlohmann::json{"a1"});
}

TEST_CASE("error_document: invalid files carry every problem with file and line") {
  InvalidFilesError error({{"migrations/a.sql", 3, "unknown key 'parent'", "did you mean parents?"},
                           {"migrations/b.yaml", 7, "bad YAML"}});
  auto document = error_document(error);
  CHECK(document["kind"] == "invalid_files");
  CHECK(document["exit_code"] == 2);
  CHECK(document["format_version"] == k_json_format_version);
  REQUIRE(document["problems"].size() == 2);
  CHECK(document["problems"][0] == nlohmann::json{{"file", "migrations/a.sql"},
                                                  {"line", 3},
                                                  {"message", "unknown key 'parent'"},
                                                  {"hint", "did you mean parents?"}});
  CHECK(document["problems"][1]["line"] == 7);
  CHECK(document["error"] == error.what());
}

TEST_CASE("error_document: a lint error carries its findings") {
  migrate::core::LintError error({{migrate::core::Severity::error, "concurrently-in-transaction",
                                   "migrations/a.sql", 9, "CREATE INDEX CONCURRENTLY ...", ""}});
  auto document = error_document(error);
  CHECK(document["kind"] == "lint");
  CHECK(document["exit_code"] == 7);
  REQUIRE(document["findings"].size() == 1);
  CHECK(document["findings"][0]["rule"] == "concurrently-in-transaction");
  CHECK(document["findings"][0]["line"] == 9);
  CHECK(document["findings"][0]["severity"] == "error");
}

TEST_CASE("error_document: unknown revisions carry their provenance") {
  migrate::core::AppliedRevision revision;
  revision.id = "hotfix000001";
  revision.message = "hotfix";
  revision.applied_by = "app@10.0.0.7";
  revision.source = "v1.0.1@abc123";
  migrate::core::UnknownRevisionsError error({revision});
  auto document = error_document(error);
  CHECK(document["kind"] == "unknown_revisions");
  CHECK(document["exit_code"] == 3);
  REQUIRE(document["unknown"].size() == 1);
  CHECK(document["unknown"][0]["id"] == "hotfix000001");
  CHECK(document["unknown"][0]["source"] == "v1.0.1@abc123");
  CHECK(document["unknown"][0]["applied_by"] == "app@10.0.0.7");
}

TEST_CASE("error_document: a database error carries its SQLSTATE and statement") {
  migrate::engine::DatabaseError error("relation \"users\" does not exist", "42P01", 2);
  auto document = error_document(error);
  CHECK(document["kind"] == "database");
  CHECK(document["sqlstate"] == "42P01");
  CHECK(document["statement"] == 2);
  CHECK(document["exit_code"] == 1);
}

TEST_CASE("error_document: a plain error's kind is its exit code's meaning") {
  CHECK(error_document(migrate::Error(ExitCode::lock_not_acquired, "busy"))["kind"] ==
        "lock_not_acquired");
  CHECK(error_document(migrate::usage_error("bad flag"))["kind"] == "usage");
  CHECK(error_document(migrate::Error(ExitCode::incompatible_release,
                                      "v1 still reads it"))["kind"] == "incompatible_release");
  CHECK(error_document(migrate::Error(ExitCode::runtime, "boom"))["kind"] == "runtime");
  auto internal = error_document(std::runtime_error("what"));
  CHECK(internal["kind"] == "internal");
  CHECK(internal["exit_code"] == 1);
  CHECK(internal["error"] == "what");
}

TEST_CASE("usage_error_document: a command line that did not parse is a usage error") {
  auto document = usage_error_document("unknown option --foo", "see `migrate --help`");
  CHECK(document["kind"] == "usage");
  CHECK(document["exit_code"] == 2);
  CHECK(document["error"] == "unknown option --foo");
  CHECK(document["format_version"] == k_json_format_version);
}

namespace {

std::vector<migrate::core::LintFinding> warnings(size_t count) {
  std::vector<migrate::core::LintFinding> list;
  for (size_t i = 0; i < count; ++i)
    list.push_back({migrate::core::Severity::warning, "missing-down", "migrations/a.sql",
                    static_cast<int>(i + 1), "no down", ""});
  return list;
}

}  // namespace

TEST_CASE("report_lint_warnings: shows every warning up to the limit") {
  migrate::testing::RecordingReporter reporter;
  migrate::commands::report_lint_warnings(reporter,
                                          warnings(migrate::commands::k_lint_warnings_shown));
  CHECK(reporter.findings.size() == migrate::commands::k_lint_warnings_shown);
  CHECK(reporter.findings[0] == "migrations/a.sql:1: warning[missing-down]: no down");
  CHECK(reporter.infos.empty());
}

TEST_CASE("report_lint_warnings: summarises beyond the limit") {
  migrate::testing::RecordingReporter reporter;
  migrate::commands::report_lint_warnings(reporter, warnings(1000));
  REQUIRE(reporter.findings.size() == migrate::commands::k_lint_warnings_first + 1);
  CHECK(reporter.findings.back() ==
        "... and 995 more lint warnings; run `migrate lint` to see them all");
}
