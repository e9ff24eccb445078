// The revision graph drawn as lanes, checked line by line on a chain, a
// branch joined by a merge, and two heads from one branch point.
#include "core/revisions/history_graph.hpp"

#include <catch2/catch.hpp>

using migrate::core::draw_graph;
using migrate::core::GraphLine;
using migrate::core::GraphNode;
using Strings = std::vector<std::string>;

namespace {

// Each line as "lanes  id" (or the lanes alone), to compare as text.
Strings text_of(const std::vector<GraphLine>& lines) {
  Strings text;
  for (const auto& line : lines)
    text.push_back(line.id.empty() ? line.lanes : line.lanes + "  " + line.id);
  return text;
}

}  // namespace

TEST_CASE("draw_graph: a chain is one lane") {
  CHECK(text_of(draw_graph({{"c", {"b"}}, {"b", {"a"}}, {"a", {}}})) ==
        Strings{"*  c", "*  b", "*  a"});
}

TEST_CASE("draw_graph: a branch and its merge") {
  // a -> b, a -> c, (b, c) -> m -> n
  std::vector<GraphNode> nodes = {
      {"n", {"m"}}, {"m", {"b", "c"}}, {"c", {"a"}}, {"b", {"a"}}, {"a", {}}};
  CHECK(text_of(draw_graph(nodes)) ==
        Strings{"*  n", "*  m", "|\\", "| *  c", "* |  b", "|/", "*  a"});
}

TEST_CASE("draw_graph: two heads joining at their branch point") {
  // a -> b1 -> b2 and a -> c1
  std::vector<GraphNode> nodes = {{"c1", {"a"}}, {"b2", {"b1"}}, {"b1", {"a"}}, {"a", {}}};
  CHECK(text_of(draw_graph(nodes)) == Strings{"*  c1", "| *  b2", "| *  b1", "|/", "*  a"});
}

TEST_CASE("draw_graph: a lane that ends moves the lanes right of it back") {
  // Two roots: r1 <- x, r2 <- y, drawn as two heads; x's root ends first.
  std::vector<GraphNode> nodes = {{"x", {"r1"}}, {"y", {"r2"}}, {"r1", {}}, {"r2", {}}};
  CHECK(text_of(draw_graph(nodes)) == Strings{"*  x", "| *  y", "* |  r1", " /", "*  r2"});
}

TEST_CASE("draw_graph: parents outside the drawn revisions are left out") {
  CHECK(text_of(draw_graph({{"c", {"b"}}, {"b", {"a"}}})) == Strings{"*  c", "*  b"});
}
