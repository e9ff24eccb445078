// Lint suppressions: `-- migrate:lint-ignore RULE (reason)` for the next
// statement or, before the first section, for the whole file.
#include "core/checks/lint_suppressions.hpp"

#include "support/test_helpers.hpp"

using migrate::core::lint_revision;
using Strings = std::vector<std::string>;

namespace {

// "line rule" of every finding for one file.
Strings lint_file(const std::string& path, const std::string& content) {
  auto parsed = migrate::test::parse(path, content);
  REQUIRE(parsed.problems == Strings{});
  Strings findings;
  for (const auto& finding : lint_revision(*parsed.revision))
    findings.push_back(std::to_string(finding.line) + " " + finding.rule);
  return findings;
}

const std::string k_two_indexes =
    "CREATE INDEX a ON users (x);\n"
    "CREATE INDEX b ON users (y);\n";

}  // namespace

TEST_CASE("read_suppressions: without a directive every finding stays") {
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n" + k_two_indexes + "-- migrate:down\n") ==
        Strings{"3 index-not-concurrent", "4 index-not-concurrent"});
}

TEST_CASE("read_suppressions: a directive in a section silences its rules for the next statement") {
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n"
                  "-- migrate:lint-ignore index-not-concurrent (users has 10 rows)\n" +
                      k_two_indexes + "-- migrate:down\n") == Strings{"5 index-not-concurrent"});
  // Blank and comment lines between the directive and its statement.
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n"
                  "-- migrate:lint-ignore index-not-concurrent\n\n-- why: tiny\n" +
                      k_two_indexes + "-- migrate:down\n") == Strings{"7 index-not-concurrent"});
}

TEST_CASE("read_suppressions: a directive names several rules, and only those") {
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n"
                  "-- migrate:lint-ignore rename, drop-in-up (canary over)\n" +
                      k_two_indexes + "-- migrate:down\n") ==
        Strings{"4 index-not-concurrent", "5 index-not-concurrent"});
}

TEST_CASE("read_suppressions: a directive in the header covers the whole file") {
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n"
                  "-- migrate:lint-ignore index-not-concurrent, missing-down (converted history)\n"
                  "-- migrate:up\n" +
                      k_two_indexes)
            .empty());
}

TEST_CASE("read_suppressions: an unknown rule is an error at the directive's line") {
  auto parsed = migrate::test::parse("m/1.sql",
                                     "-- migrate:revision 1\n-- migrate:up\n"
                                     "-- migrate:lint-ignore index-not-concurent (typo)\n" +
                                         k_two_indexes + "-- migrate:down\n");
  REQUIRE(parsed.revision);
  auto findings = lint_revision(*parsed.revision);
  REQUIRE(findings.size() == 3);
  CHECK(migrate::core::format_finding(findings[0]) ==
        "m/1.sql:3: error[lint-ignore]: unknown lint rule 'index-not-concurent' in "
        "migrate:lint-ignore (did you mean 'index-not-concurrent'?)\n"
        "  hint: name rules as `migrate lint` prints them, e.g. `-- migrate:lint-ignore "
        "index-not-concurrent (small table)`");
  CHECK(migrate::core::has_errors(findings));
}

TEST_CASE("read_suppressions: a directive naming no rule, or syntax, is an error") {
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n-- migrate:lint-ignore (why)\n"
                  "SELECT 1;\n-- migrate:down\n") == Strings{"3 lint-ignore"});
  CHECK(lint_file("m/1.sql",
                  "-- migrate:revision 1\n-- migrate:up\n-- migrate:lint-ignore syntax\n"
                  "SELEC 1;\n-- migrate:down\n") == Strings{"3 lint-ignore", "4 syntax"});
}

TEST_CASE("read_suppressions: the reason is read from the parentheses") {
  auto parsed =
      migrate::test::parse("m/1.sql",
                           "-- migrate:revision 1\n-- migrate:up\n"
                           "-- migrate:lint-ignore index-not-concurrent (users has 10 rows)\n" +
                               k_two_indexes + "-- migrate:down\n");
  REQUIRE(parsed.revision);
  std::vector<migrate::core::LintFinding> problems;
  auto suppressions = migrate::core::read_suppressions(*parsed.revision, problems);
  REQUIRE(suppressions.size() == 1);
  CHECK(suppressions[0].reason == "users has 10 rows");
  CHECK(suppressions[0].rules == Strings{"index-not-concurrent"});
  CHECK(suppressions[0].first == 3);
  CHECK(suppressions[0].last == 4);
  CHECK(problems.empty());
}

TEST_CASE("read_suppressions: YAML comments before an operation or before operations:") {
  const std::string operation =
      "  - sql:\n"
      "      up: CREATE INDEX a ON users (x)\n"
      "      down: SELECT 1\n";
  auto lint_yaml = [&](const std::string& before_operations, const std::string& before_operation) {
    return lint_file("m/1.yaml", "revision: '1'\nmessage: m\n" + before_operations +
                                     "operations:\n" + before_operation + operation);
  };
  REQUIRE(lint_yaml("", "") == Strings{"4 index-not-concurrent"});
  CHECK(lint_yaml("", "  # migrate:lint-ignore index-not-concurrent (tiny)\n").empty());
  CHECK(lint_yaml("# migrate:lint-ignore index-not-concurrent (tiny)\n", "").empty());
  CHECK(lint_yaml("", "  # migrate:lint-ignore rename\n") == Strings{"5 index-not-concurrent"});
}
