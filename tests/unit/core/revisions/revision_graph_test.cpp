// The revision DAG: heads, bases, deterministic order, ancestry and prefixes.
#include "core/revisions/revision_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "support/test_helpers.hpp"

using migrate::core::Revision;
using migrate::core::RevisionGraph;
using migrate::test::graph_of;
using migrate::test::members;
using Strings = std::vector<std::string>;

namespace {

// a -> b -> c
RevisionGraph chain() { return graph_of({{"c", "b"}, {"a", ""}, {"b", "a"}}); }

// a -> b, a -> c, (b, c) -> m
RevisionGraph diamond() { return graph_of({{"a", ""}, {"b", "a"}, {"c", "a"}, {"m", "b c"}}); }

}  // namespace

TEST_CASE("RevisionGraph: a chain has one base, one head, parents first") {
  auto graph = chain();
  CHECK(graph.size() == 3);
  CHECK_FALSE(graph.empty());
  CHECK(graph.order() == Strings{"a", "b", "c"});
  CHECK(graph.heads() == Strings{"c"});
  CHECK(graph.bases() == Strings{"a"});
  CHECK(graph.children("a") == Strings{"b"});
  CHECK(graph.children("c") == Strings{});
  CHECK(graph.position("a") == 0);
  CHECK(graph.position("c") == 2);
}

TEST_CASE("RevisionGraph: find, get and contains") {
  auto graph = chain();
  CHECK(graph.contains("b"));
  CHECK_FALSE(graph.contains("x"));
  REQUIRE(graph.find("b") != nullptr);
  CHECK(graph.find("b")->path == "b.sql");
  CHECK(graph.find("x") == nullptr);
  CHECK(graph.get("c").parents == Strings{"b"});
  CHECK_THROWS_AS(graph.get("x"), std::out_of_range);
  CHECK_THROWS_AS(graph.position("x"), std::out_of_range);
}

TEST_CASE("RevisionGraph: independent roots are ordered by id") {
  auto graph = graph_of({{"c", ""}, {"a", ""}, {"b", ""}});
  CHECK(graph.order() == Strings{"a", "b", "c"});
  CHECK(graph.bases() == Strings{"a", "b", "c"});
  CHECK(graph.heads() == Strings{"a", "b", "c"});
}

TEST_CASE("RevisionGraph: ties are broken by id among revisions whose parents are done") {
  // r has children z and y; y has child x. After r, y (< z) goes first; then
  // x (< z) is ready and goes before z.
  auto graph = graph_of({{"z", "r"}, {"x", "y"}, {"r", ""}, {"y", "r"}});
  CHECK(graph.order() == Strings{"r", "y", "x", "z"});
}

TEST_CASE("RevisionGraph: the order does not depend on the order of the files") {
  std::vector<std::pair<std::string, std::string>> revisions = {
      {"a", ""}, {"b", "a"}, {"c", "a"}, {"d", "b"}, {"e", "c d"}, {"f", ""}, {"g", "f"}};
  Strings expected = graph_of(revisions).order();
  CHECK(expected == Strings{"a", "b", "c", "d", "e", "f", "g"});
  std::sort(revisions.begin(), revisions.end());
  do {
    REQUIRE(graph_of(revisions).order() == expected);
  } while (std::next_permutation(revisions.begin(), revisions.begin() + 4));
  std::reverse(revisions.begin(), revisions.end());
  CHECK(graph_of(revisions).order() == expected);
}

TEST_CASE("RevisionGraph: a child sorts after its parent even when its id is smaller") {
  auto graph = graph_of({{"b", ""}, {"a", "b"}});
  CHECK(graph.order() == Strings{"b", "a"});
  CHECK(graph.bases() == Strings{"b"});
  CHECK(graph.heads() == Strings{"a"});
}

TEST_CASE("RevisionGraph: a branch has two heads, sorted by id") {
  auto graph = graph_of({{"a", ""}, {"c", "a"}, {"b", "a"}});
  CHECK(graph.heads() == Strings{"b", "c"});
  CHECK(graph.bases() == Strings{"a"});
  CHECK(graph.children("a") == Strings{"b", "c"});
  CHECK(graph.order() == Strings{"a", "b", "c"});
}

TEST_CASE("RevisionGraph: a merge joins two heads into one") {
  auto graph = diamond();
  CHECK(graph.heads() == Strings{"m"});
  CHECK(graph.bases() == Strings{"a"});
  CHECK(graph.order() == Strings{"a", "b", "c", "m"});
  CHECK(graph.get("m").is_merge());
  CHECK(graph.children("b") == Strings{"m"});
  CHECK(graph.children("c") == Strings{"m"});
}

TEST_CASE("RevisionGraph: a merge of two roots has two bases") {
  auto graph = graph_of({{"a", ""}, {"b", ""}, {"m", "a b"}});
  CHECK(graph.bases() == Strings{"a", "b"});
  CHECK(graph.heads() == Strings{"m"});
}

TEST_CASE("RevisionGraph: closure_up holds the ids and all their ancestors") {
  auto graph = diamond();
  CHECK(members(graph, graph.closure_up({"m"})) == Strings{"a", "b", "c", "m"});
  CHECK(members(graph, graph.closure_up({"b"})) == Strings{"a", "b"});
  CHECK(members(graph, graph.closure_up({"b", "c"})) == Strings{"a", "b", "c"});
  CHECK(members(graph, graph.closure_up({"a"})) == Strings{"a"});
  CHECK(members(graph, graph.closure_up({})) == Strings{});
  CHECK(graph.closure_up({"b"}).size() == graph.size());
  CHECK_THROWS_AS(graph.closure_up({"x"}), std::out_of_range);
}

TEST_CASE("RevisionGraph: closure_down holds the ids and all their descendants") {
  auto graph = diamond();
  CHECK(members(graph, graph.closure_down({"a"})) == Strings{"a", "b", "c", "m"});
  CHECK(members(graph, graph.closure_down({"b"})) == Strings{"b", "m"});
  CHECK(members(graph, graph.closure_down({"m"})) == Strings{"m"});
  CHECK(members(graph, graph.closure_down({"b", "c"})) == Strings{"b", "c", "m"});
  CHECK_THROWS_AS(graph.closure_down({"x"}), std::out_of_range);
}

TEST_CASE("RevisionGraph: matching_prefix lists every id with the prefix, sorted") {
  auto graph = graph_of({{"8fb4", ""}, {"8fa1", "8fb4"}, {"77aa", "8fa1"}, {"8f", "77aa"}});
  CHECK(graph.matching_prefix("8f") == Strings{"8f", "8fa1", "8fb4"});
  CHECK(graph.matching_prefix("8fb") == Strings{"8fb4"});
  CHECK(graph.matching_prefix("8fb4") == Strings{"8fb4"});
  CHECK(graph.matching_prefix("8fb45") == Strings{});
  CHECK(graph.matching_prefix("zz") == Strings{});
  CHECK(graph.matching_prefix("") == Strings{"77aa", "8f", "8fa1", "8fb4"});
}

TEST_CASE("RevisionGraph: build reports problems collected by the caller first") {
  Revision a;
  a.id = "a";
  a.path = "a.sql";
  a.id_line = 1;
  Revision b = a;
  b.id = "b";
  b.path = "b.sql";
  b.parents = {"x"};
  auto error = migrate::test::error_from<migrate::InvalidFilesError>([&] {
    RevisionGraph::build({a, b}, {{"z.sql", 3, "earlier problem"}});
  });
  REQUIRE(error.problems().size() == 2);
  CHECK(error.problems()[0].located() == "z.sql:3: earlier problem");
  CHECK(error.problems()[1].located() ==
        "b.sql:1: parent 'x' of revision 'b' does not exist in this directory");
}

TEST_CASE("RevisionGraph: build keeps the revisions' content") {
  Revision a;
  a.id = "a";
  a.path = "a.sql";
  a.message = "first";
  auto graph = RevisionGraph::build({a});
  CHECK(graph.get("a").message == "first");
  CHECK(graph.heads() == Strings{"a"});
}

// The walk that names a cycle once recursed per revision and overflowed the
// stack (SIGSEGV from 120,000 revisions): 200,000 here, each the child of the
// next, the last one below a cycle of two.
TEST_CASE("RevisionGraph: a cycle above a chain of 200,000 revisions is named") {
  const size_t length = 200000;
  auto id_of = [](size_t i) { return fmt::format("c{:06}", i); };
  std::vector<Revision> revisions;
  revisions.reserve(length + 2);
  for (size_t i = 0; i < length; ++i) {
    Revision revision;
    revision.id = id_of(i);
    revision.path = revision.id + ".sql";
    revision.id_line = 1;
    revision.parents = {i + 1 < length ? id_of(i + 1) : "x"};
    revisions.push_back(std::move(revision));
  }
  for (const auto& [id, parent] : {std::pair<std::string, std::string>{"x", "y"}, {"y", "x"}}) {
    Revision revision;
    revision.id = id;
    revision.path = id + ".sql";
    revision.id_line = 1;
    revision.parents = {parent};
    revisions.push_back(std::move(revision));
  }
  auto error = migrate::test::error_from<migrate::InvalidFilesError>(
      [&] { RevisionGraph::build(std::move(revisions)); });
  REQUIRE(error.problems().size() == 1);
  CHECK(error.problems()[0].located() == "x.sql:1: cycle in parents: x -> y -> x");
}
