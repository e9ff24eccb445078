// The exception family: exit codes, located file problems, usage errors.
#include "core/error.hpp"

#include "support/test_helpers.hpp"

using migrate::ExitCode;
using migrate::FileProblem;
using migrate::InvalidFilesError;

TEST_CASE("ExitCode: the documented values") {
  CHECK(static_cast<int>(ExitCode::success) == 0);
  CHECK(static_cast<int>(ExitCode::runtime) == 1);
  CHECK(static_cast<int>(ExitCode::usage) == 2);
  CHECK(static_cast<int>(ExitCode::unknown_revisions) == 3);
  CHECK(static_cast<int>(ExitCode::multiple_heads) == 4);
  CHECK(static_cast<int>(ExitCode::lock_not_acquired) == 5);
  CHECK(static_cast<int>(ExitCode::checksum_mismatch) == 6);
  CHECK(static_cast<int>(ExitCode::lint) == 7);
  CHECK(static_cast<int>(ExitCode::unadopted_database) == 8);
  CHECK(static_cast<int>(ExitCode::incompatible_release) == 10);
  CHECK(static_cast<int>(ExitCode::interrupted) == 130);
}

TEST_CASE("FileProblem: located as file:line: message, or file: message for the whole file") {
  CHECK(FileProblem{"m/a.sql", 7, "bad"}.located() == "m/a.sql:7: bad");
  CHECK(FileProblem{"m/a.sql", 0, "bad"}.located() == "m/a.sql: bad");
}

TEST_CASE("InvalidFilesError: lists every problem with exit code 2") {
  InvalidFilesError error({{"a.sql", 1, "one"}, {"b.yaml", 0, "two"}});
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) ==
        "2 problems in the migration files:\n  a.sql:1: one\n  b.yaml: two");
  CHECK(error.hint() == "fix the files above; nothing was applied");
  CHECK(error.problems().size() == 2);
  CHECK(std::string(InvalidFilesError({{"a.sql", 3, "one"}}).what()) == "a.sql:3: one");
}

TEST_CASE("usage_error: exit code 2 with a hint") {
  auto error = migrate::usage_error("bad flag", "try --help");
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "bad flag");
  CHECK(error.hint() == "try --help");
  CHECK(migrate::usage_error("bad flag").hint().empty());
}

TEST_CASE("InvalidFilesError: a problem's own hint is the error's hint, or follows it in a list") {
  InvalidFilesError one({{"a.sql", 3, "bad", "do this"}});
  CHECK(std::string(one.what()) == "a.sql:3: bad");
  CHECK(one.hint() == "do this; nothing was applied");
  InvalidFilesError two({{"a.sql", 3, "bad", "do this"}, {"b.sql", 1, "worse"}});
  CHECK(std::string(two.what()) ==
        "2 problems in the migration files:\n  a.sql:3: bad\n    hint: do this\n  b.sql:1: worse");
  CHECK(two.hint() == "fix the files above; nothing was applied");
}
