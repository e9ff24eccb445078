// The cache of parsed files as bytes: what goes in comes out, and anything but
// a whole cache written for the same binary and directory is refused.
#include "core/revisions/parsed_file_cache.hpp"

#include <catch2/catch.hpp>

#include "core/revisions/checksum.hpp"
#include "core/revisions/revision_parser.hpp"

using namespace migrate;
using namespace migrate::core;

namespace {

Revision parsed(const std::string& path, const std::string& text) {
  std::vector<FileProblem> problems;
  auto revision = parse_revision({path, text}, problems);
  REQUIRE(problems.empty());
  REQUIRE(revision);
  return *revision;
}

std::vector<CachedRevision> sample() {
  std::vector<CachedRevision> entries;
  entries.push_back({"a.sql",
                     {120, 77, 2049, 1700000000123456789, 1700000000987654321},
                     summarize(parsed("m/a.sql",
                                      "-- migrate:revision a1\n-- migrate:message add users\n"
                                      "-- migrate:up\nCREATE TABLE users (id int);\n"
                                      "-- migrate:contract\nDROP TABLE old_users;\n"
                                      "-- migrate:down\nDROP TABLE users;\n"))});
  entries.push_back(
      {"2.0/b.yaml",
       {64, 78, 2049, -5, 0},
       summarize(parsed("m/2.0/b.yaml",
                        "revision: b2\nparents: [a1]\nmessage: \"line one: \\\"quoted\\\"\"\n"
                        "transaction: false\nstatement_timeout: 5s\n"
                        "operations:\n  - sql: {up: \"SELECT 1\", down: \"SELECT 2\"}\n"))});
  entries.push_back({"draft.sql",
                     {40, 79, 2049, 1, 2},
                     summarize(parsed("m/draft.sql",
                                      "-- migrate:revision c3\n-- migrate:parents b2\n"
                                      "-- migrate:up\n\n-- migrate:down\n"))});
  return entries;
}

}  // namespace

TEST_CASE(
    "summarize: keeps what status reads, drops the content, works out checksum and contract") {
  std::string text =
      "-- migrate:revision a1\n-- migrate:up\nCREATE TABLE t (id int);\n"
      "-- migrate:contract\nDROP TABLE u;\n";
  Revision full = parsed("m/a.sql", text);
  Revision summary = summarize(full);
  CHECK(summary.summary_only);
  CHECK(summary.content.empty());
  CHECK_FALSE(summary.up.present);
  CHECK(summary.has_contract());
  CHECK(summary.id == "a1");
  CHECK(summary.path == "m/a.sql");
  CHECK(summary.summary_checksum == checksum(text));
  CHECK(summary.checksum_matches(checksum(text)));
  CHECK(full.checksum_matches(checksum(text)));
  CHECK_FALSE(summary.checksum_matches(checksum(text + "SELECT 1;")));
}

TEST_CASE("parsed-file cache: every field survives encoding and decoding") {
  auto entries = sample();
  std::string bytes = encode_parsed_file_cache(entries, "migrate 1.0 build\n/srv/m");
  auto decoded = decode_parsed_file_cache(bytes, "migrate 1.0 build\n/srv/m");
  REQUIRE(decoded);
  REQUIRE(decoded->size() == entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& in = entries[i];
    const auto& out = (*decoded)[i];
    CHECK(out.relative_path == in.relative_path);
    CHECK(out.stamp == in.stamp);
    const Revision& a = in.summary;
    const Revision& b = out.summary;
    CHECK(b.summary_only);
    CHECK(b.id == a.id);
    CHECK(b.parents == a.parents);
    CHECK(b.message == a.message);
    CHECK(b.id_line == a.id_line);
    CHECK(b.parents_line == a.parents_line);
    CHECK(b.format == a.format);
    CHECK(b.transactional == a.transactional);
    CHECK(b.statement_timeout == a.statement_timeout);
    CHECK(b.draft_line == a.draft_line);
    CHECK(b.has_contract() == a.has_contract());
    CHECK(b.summary_checksum == a.summary_checksum);
  }
  CHECK((*decoded)[0].summary.has_contract());
  CHECK((*decoded)[1].summary.format == RevisionFormat::yaml);
  CHECK_FALSE((*decoded)[1].summary.transactional);
  CHECK((*decoded)[1].summary.statement_timeout == "5s");
  CHECK((*decoded)[2].summary.is_draft());
  CHECK((*decoded)[2].summary.parents == std::vector<std::string>{"b2"});
}

TEST_CASE("parsed-file cache: an empty cache is a cache") {
  auto decoded = decode_parsed_file_cache(encode_parsed_file_cache({}, "x"), "x");
  REQUIRE(decoded);
  CHECK(decoded->empty());
}

TEST_CASE("parsed-file cache: another binary's or another directory's cache is not read") {
  std::string bytes = encode_parsed_file_cache(sample(), "migrate 1.0 build-1\n/srv/m");
  CHECK_FALSE(decode_parsed_file_cache(bytes, "migrate 1.0 build-2\n/srv/m"));
  CHECK_FALSE(decode_parsed_file_cache(bytes, "migrate 1.0 build-1\n/srv/other"));
}

TEST_CASE("parsed-file cache: every truncation, and any changed byte, is refused") {
  std::string bytes = encode_parsed_file_cache(sample(), "id");
  for (size_t size = 0; size < bytes.size(); ++size)
    CHECK_FALSE(decode_parsed_file_cache(bytes.substr(0, size), "id"));
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string altered = bytes;
    altered[at] = static_cast<char>(altered[at] ^ 0x01);
    CHECK_FALSE(decode_parsed_file_cache(altered, "id"));
  }
  CHECK_FALSE(decode_parsed_file_cache(bytes + "x", "id"));
  CHECK_FALSE(decode_parsed_file_cache("", "id"));
  CHECK_FALSE(decode_parsed_file_cache("not a cache at all, but long enough to look", "id"));
}
