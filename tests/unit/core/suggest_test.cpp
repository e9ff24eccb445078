// "Did you mean ...?" for misspelt keys, operations and commands.
#include "core/suggest.hpp"

#include "support/test_helpers.hpp"

using migrate::core::closest_match;
using migrate::core::did_you_mean;
using Strings = std::vector<std::string>;

TEST_CASE("closest_match: the nearest candidate within a small edit distance") {
  const Strings keys = {"revision", "parents", "message", "transaction", "operations"};
  CHECK(closest_match("parent", keys) == "parents");
  CHECK(closest_match("revison", keys) == "revision");
  CHECK(closest_match("mesage", keys) == "message");
  CHECK(closest_match("operation", keys) == "operations");
  CHECK(closest_match("transation", keys) == "transaction");
}

TEST_CASE("closest_match: nothing when no candidate is close") {
  CHECK(closest_match("frobnicate", {"revision", "parents"}) == "");
  CHECK(closest_match("xyz", {"up", "down"}) == "");
  CHECK(closest_match("up", {}) == "");
}

TEST_CASE("closest_match: the first of equally close candidates") {
  CHECK(closest_match("ab", {"ax", "xb"}) == "ax");
}

TEST_CASE("did_you_mean: a parenthesised suggestion or nothing") {
  CHECK(did_you_mean("dwon", {"up", "down"}) == " (did you mean 'down'?)");
  CHECK(did_you_mean("sideways", {"up", "down"}) == "");
}
