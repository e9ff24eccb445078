#include "core/fleet/targets.hpp"

#include "support/test_helpers.hpp"

using migrate::core::parse_targets;
using migrate::core::Target;

namespace {

std::vector<std::string> problems(const std::string& path, const std::string& text) {
  auto error =
      migrate::test::error_from<migrate::InvalidFilesError>([&] { parse_targets(path, text); });
  CHECK(error.code() == migrate::ExitCode::usage);
  std::vector<std::string> located;
  for (const auto& problem : error.problems()) located.push_back(problem.located());
  return located;
}

}  // namespace

TEST_CASE("parse_targets: one target per line, with comments, blank lines and optional fields") {
  auto targets = parse_targets("fleet.txt",
                               "# tenants\n"
                               "postgresql://db1.internal/shop_eu\n"
                               "\n"
                               "us   postgresql://u:secret@db2/shop   # the US shard\n"
                               "acme \"host=db3 dbname=shared\" tenant_acme\r\n");
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].name == "shop_eu");
  CHECK(targets[0].url == "postgresql://db1.internal/shop_eu");
  CHECK(targets[0].line == 2);
  CHECK(targets[1].name == "us");
  CHECK(targets[1].url == "postgresql://u:secret@db2/shop");
  CHECK(targets[1].schema.empty());
  CHECK(targets[2].name == "acme");
  CHECK(targets[2].url == "host=db3 dbname=shared");
  CHECK(targets[2].schema == "tenant_acme");
  CHECK(targets[2].line == 5);
}

TEST_CASE("parse_targets: YAML with name, url, schema and group") {
  auto targets = parse_targets("fleet.yaml",
                               "# the fleet\n"
                               "targets:\n"
                               "  - {name: eu, url: 'postgresql://db1/shop', group: europe}\n"
                               "  - url: postgresql://db2/shop_us\n"
                               "    schema: migrate_us\n");
  REQUIRE(targets.size() == 2);
  CHECK(targets[0].name == "eu");
  CHECK(targets[0].group == "europe");
  CHECK(targets[0].line == 3);
  CHECK(targets[1].name == "shop_us");
  CHECK(targets[1].schema == "migrate_us");
  CHECK(targets[1].line == 4);
}

TEST_CASE("parse_targets: every bad line is named with file and line, without the password") {
  CHECK(problems("fleet.txt",
                 "a postgresql://h/a\n"
                 "b postgresql://h/b public extra\n"
                 "c \"host=h dbname=c\n"
                 "a postgresql://h/other\n"
                 "postgresql://u:hunter2@h\n") ==
        std::vector<std::string>{
            "fleet.txt:2: 4 fields; a target line is URL, NAME URL or NAME URL SCHEMA",
            "fleet.txt:3: unterminated quote",
            "fleet.txt:4: target 'a' is named twice (first on line 1)",
            "fleet.txt:5: cannot name the target postgresql://u:***@h: it names no database"});
}

TEST_CASE("parse_targets: a YAML entry without url or with an unknown key is refused") {
  CHECK(problems("-",
                 "targets:\n"
                 "  - name: a\n"
                 "  - {name: b, url: 'postgresql://h/b', shema: x}\n") ==
        std::vector<std::string>{"stdin:2: a target without url",
                                 "stdin:3: unknown key 'shema' (did you mean 'schema'?)"});
  CHECK(problems("t.yaml", "targets: nope\n") ==
        std::vector<std::string>{"t.yaml:1: expected `targets:` holding a list of targets"});
}

TEST_CASE("parse_targets: several problems are summed up as the targets file's") {
  auto error = migrate::test::error_from<migrate::InvalidFilesError>(
      [] { parse_targets("fleet.txt", "a b c d\n\"x\n"); });
  CHECK(std::string(error.what()) ==
        "2 problems in the targets file fleet.txt:\n"
        "  fleet.txt:1: 4 fields; a target line is URL, NAME URL or NAME URL SCHEMA\n"
        "    hint: quote a keyword connection string that holds spaces: \"host=h dbname=d\"\n"
        "  fleet.txt:2: unterminated quote\n"
        "    hint: close the quoted connection string with \"");
  CHECK(error.hint() == "fix the targets file; nothing was applied");
}

TEST_CASE("parse_targets: a file with no target is refused") {
  CHECK(problems("empty.txt", "# nothing yet\n\n") ==
        std::vector<std::string>{"empty.txt: no targets"});
}

TEST_CASE("database_name_of: the URI path or dbname=") {
  CHECK(migrate::core::database_name_of("postgresql:///t1?host=/tmp") == "t1");
  CHECK(migrate::core::database_name_of("postgres://h:5432/shop#x") == "shop");
  CHECK(migrate::core::database_name_of("host=h dbname=d user=u") == "d");
  CHECK(migrate::core::database_name_of("host=h") == "");
}
