// lint's GitHub output: one workflow command per finding.
#include <catch2/catch.hpp>

#include "commands/commands.hpp"

using migrate::commands::github_annotation;
using migrate::core::LintFinding;
using migrate::core::Severity;

TEST_CASE("github_annotation: an error names the file, the line and the rule") {
  LintFinding finding{Severity::error,
                      "concurrently-in-transaction",
                      "migrations/a1.sql",
                      12,
                      "CREATE INDEX CONCURRENTLY cannot run inside a transaction",
                      ""};
  CHECK(github_annotation(finding) ==
        "::error file=migrations/a1.sql,line=12,title=migrate lint%3A "
        "concurrently-in-transaction::CREATE INDEX CONCURRENTLY cannot run inside a transaction");
}

TEST_CASE("github_annotation: a warning keeps its hint on a second line, escaped") {
  LintFinding finding{Severity::warning,    "missing-down",         "migrations/a,b.sql", 0,
                      "100% sure: no down", "add `-- migrate:down`"};
  CHECK(github_annotation(finding) ==
        "::warning file=migrations/a%2Cb.sql,title=migrate lint%3A missing-down::100%25 sure: no "
        "down%0Ahint: add `-- migrate:down`");
}
