// check_bytes and check_revision_text: what every command refuses at load.
#include "core/revisions/text_checks.hpp"

#include "support/test_helpers.hpp"

using migrate::core::check_bytes;
using migrate::core::load_revisions;
using migrate::core::SourceFile;
using Strings = std::vector<std::string>;

namespace {

Strings bytes_problems(const std::string& content) {
  Strings out;
  for (const auto& problem : check_bytes({"m/a.sql", content})) out.push_back(problem.located());
  return out;
}

Strings load_problems(const std::vector<SourceFile>& files) {
  try {
    load_revisions(files);
  } catch (const migrate::InvalidFilesError& error) {
    Strings out;
    for (const auto& problem : error.problems()) out.push_back(problem.located());
    return out;
  }
  return {};
}

}  // namespace

TEST_CASE("check_bytes: UTF-8 text passes, multi-byte characters included") {
  CHECK(bytes_problems("SELECT 'café', '日本', '😀';\n").empty());
  CHECK(bytes_problems("").empty());
}

TEST_CASE("check_bytes: a byte that is not UTF-8 names its line and column") {
  CHECK(
      bytes_problems("SELECT 1;\nSELECT 'caf\xe9';\n") ==
      Strings{"m/a.sql:2: byte 0xe9 (column 12) is not UTF-8: PostgreSQL and migrate read revision "
              "files as UTF-8"});
  // Overlong forms, surrogates and truncated sequences are not UTF-8 either.
  CHECK(bytes_problems("\xc0\xaf").size() == 1);
  CHECK(bytes_problems("\xed\xa0\x80").size() == 1);
  CHECK(bytes_problems("ok \xe6\x97").size() == 1);
}

TEST_CASE("check_bytes: a NUL byte names its line and column") {
  CHECK(bytes_problems(std::string("-- x\nSELECT\0 1;", 15)) ==
        Strings{"m/a.sql:2: a NUL byte (column 7): revision files are text"});
}

TEST_CASE("check_revision_text: transaction control only in transactional revisions") {
  const std::string head = "-- migrate:revision a\n-- migrate:transaction ";
  CHECK(
      load_problems({{"a.sql", head + "on\n-- migrate:up\nSELECT 1;\nCOMMIT;\n"}}) ==
      Strings{"a.sql:5: COMMIT commits inside a transactional revision: migrate runs the revision "
              "and its state row in one transaction, which this would break"});
  CHECK(load_problems(
            {{"a.sql", head + "on\n-- migrate:up\nSELECT 1;\n-- migrate:down\nabort;\n"}}) ==
        Strings{
            "a.sql:6: ABORT rolls back inside a transactional revision: migrate runs the revision "
            "and its state row in one transaction, which this would break"});
  CHECK(load_problems({{"a.sql", head + "on\n-- migrate:up\nSAVEPOINT s;\nRELEASE s;\n"}}).empty());
  CHECK(load_problems({{"a.sql", head + "off\n-- migrate:up\nBEGIN;\nSELECT 1;\nCOMMIT;\n"}})
            .empty());
}

TEST_CASE("check_revision_text: a section that does not split is a load problem with its line") {
  CHECK(
      load_problems({{"a.sql", "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n\\set x 1\n"}}) ==
      Strings{"a.sql:4: '\\set' is a psql meta-command, not SQL: migrate sends SQL to the server "
              "without psql; remove it (put the SQL it stands for in the file)"});
}
