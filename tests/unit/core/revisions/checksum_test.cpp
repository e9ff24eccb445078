// Checksums of revision content: "sha256:1:<hex>", insensitive to whitespace
// (line endings, indentation, blank lines), sensitive to everything else.
#include "core/revisions/checksum.hpp"

#include <regex>

#include "support/test_helpers.hpp"

using migrate::core::checksum;
using migrate::core::checksum_matches;
using migrate::core::normalize_for_checksum;

TEST_CASE("checksum: is sha256, version 1, of the normalised text") {
  // sha256 of "abc", as `printf 'abc' | sha256sum` prints it (the newline is folded away).
  CHECK(checksum("abc\n") ==
        "sha256:1:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(checksum("") ==
        "sha256:1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(std::regex_match(checksum(migrate::test::sql_text("a")),
                         std::regex("sha256:1:[0-9a-f]{64}")));
}

TEST_CASE("checksum: CRLF, CR and LF line endings give the same checksum") {
  const std::string lf = "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n";
  CHECK(checksum("-- migrate:revision a\r\n-- migrate:up\r\nSELECT 1;\r\n") == checksum(lf));
  CHECK(checksum("-- migrate:revision a\r-- migrate:up\rSELECT 1;\r") == checksum(lf));
}

TEST_CASE("checksum: trailing whitespace, blank lines and a missing final newline do not count") {
  const std::string base = "-- migrate:up\nSELECT 1;\n";
  CHECK(checksum("-- migrate:up  \nSELECT 1;\t\n") == checksum(base));
  CHECK(checksum(base + "\n\n\n") == checksum(base));
  CHECK(checksum(base + "   \n\t\n") == checksum(base));
  CHECK(checksum("-- migrate:up\nSELECT 1;") == checksum(base));
  CHECK(checksum("-- migrate:up\r\nSELECT 1;  \r\n\r\n") == checksum(base));
}

TEST_CASE("checksum: indentation, inner and leading blank lines are whitespace-only edits") {
  const std::string base = "-- migrate:up\nSELECT 1;\n";
  CHECK(checksum("-- migrate:up\n  SELECT 1;\n") == checksum(base));
  CHECK(checksum("-- migrate:up\n\nSELECT 1;\n") == checksum(base));
  CHECK(checksum("\n-- migrate:up\nSELECT 1;\n") == checksum(base));
  CHECK(checksum("-- migrate:up\nSELECT\n    1;\n") == checksum(base));
}

TEST_CASE("checksum: real changes give another checksum") {
  const std::string base = "-- migrate:up\nSELECT 1;\n";
  CHECK(checksum("-- migrate:up\nSELECT 2;\n") != checksum(base));
  CHECK(checksum("-- migrate:up\nSELECT 1 ;\n") != checksum(base));
  CHECK(checksum("-- migrate:up\nselect 1;\n") != checksum(base));
  CHECK(checksum("-- migrate:up\nSELECT 1;\nSELECT 2;\n") != checksum(base));
  CHECK(checksum("-- migrate:up\nSELECT1;\n") !=
        checksum(base));  // removing whitespace is not folding it
}

TEST_CASE("normalize_for_checksum: the text version 1 hashes") {
  CHECK(normalize_for_checksum("a \r\nb\t\r\n\r\n  \n") == "a b");
  CHECK(normalize_for_checksum("a") == "a");
  CHECK(normalize_for_checksum("") == "");
  CHECK(normalize_for_checksum("\n\n") == "");
  CHECK(normalize_for_checksum("  a\n\n b") == "a b");
}

TEST_CASE("checksum_matches: the recorded checksum against a file's content") {
  const std::string content = "-- migrate:up\nSELECT 1;\n";
  CHECK(checksum_matches(checksum(content), content));
  CHECK(checksum_matches(checksum(content), "-- migrate:up\r\nSELECT 1;\r\n\r\n"));
  CHECK_FALSE(checksum_matches(checksum(content), "-- migrate:up\nSELECT 2;\n"));
  CHECK_FALSE(checksum_matches("", content));
  // An unknown version never matches, even with the right hash.
  std::string other_version = checksum(content);
  other_version.replace(0, 9, "sha256:9:");
  CHECK_FALSE(checksum_matches(other_version, content));
}
