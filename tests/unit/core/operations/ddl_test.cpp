// Building blocks of generated DDL: names within 63 bytes, DO blocks, steps.
#include "core/operations/ddl.hpp"

#include <catch2/catch.hpp>

using namespace migrate::core;

TEST_CASE("limited_identifier: short names stay, long ones keep their start and a hash") {
  CHECK(limited_identifier("users_email_key") == "users_email_key");
  std::string long_name = "migrate_nn_" + std::string(60, 'x');
  std::string limited = limited_identifier(long_name);
  CHECK(limited.size() == 63);
  CHECK(limited.substr(0, 54) == long_name.substr(0, 54));
  CHECK(limited[54] == '_');
  CHECK(limited != limited_identifier(long_name + "y"));
  // Never half a UTF-8 character: "é" is two bytes.
  std::string accented = std::string(53, 'a') + "\xc3\xa9" + std::string(20, 'b');
  CHECK(limited_identifier(accented).substr(0, 54) == std::string(53, 'a') + "_");
}

TEST_CASE("do_block: the dollar quote is one the body does not contain") {
  CHECK(do_block("BEGIN NULL; END") == "DO $migrate$\nBEGIN NULL; END\n$migrate$");
  CHECK(do_block("BEGIN PERFORM '$migrate$'; END") ==
        "DO $migrate1$\nBEGIN PERFORM '$migrate$'; END\n$migrate1$");
}

TEST_CASE("StepWriter: file and line on every step; alone, index builds and refusals") {
  std::vector<Step> steps;
  StepWriter out(steps, "m/r.yaml", 7);
  out.statement("SELECT 1", "one");
  out.alone("ALTER TABLE t VALIDATE CONSTRAINT c", "validate");
  out.build_index("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", "build", {"app", "i"});
  out.script("SELECT 2; SELECT 3;", "raw");
  out.refusal("cannot do 'this'");
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].origin() == "m/r.yaml:7");
  CHECK(steps[0].transactional);
  CHECK_FALSE(steps[1].transactional);
  CHECK_FALSE(steps[2].transactional);
  CHECK(steps[2].drop_if_invalid_index == "\"app\".\"i\"");
  CHECK(steps[3].sql == "SELECT 2");
  CHECK(steps[4].sql == "SELECT 3");
  CHECK(steps[5].sql ==
        "DO $migrate$\nBEGIN\n  RAISE EXCEPTION USING MESSAGE = 'm/r.yaml:7: cannot do ''this''';\n"
        "END\n$migrate$");
  CHECK(steps[5].description == "refuse: cannot do 'this'");
}
