// The revision graph drawn as ASCII lanes, newest first, as `git log --graph`
// draws commits: `*` marks a revision, `|` a lane going on, `\` a merge's
// other parent and `/` branches joining at their branch point.
#pragma once

#include <string>
#include <vector>

namespace migrate::core {

struct GraphNode {
  std::string id;
  std::vector<std::string> parents;  // parents outside the drawn nodes are ignored
};

// One line of the drawing: a revision's (id set) or one joining lanes (id "").
struct GraphLine {
  std::string lanes;  // "| * ", "|\\", ...; without trailing spaces
  std::string id;
};

// Draws `newest_first` (children before their parents, e.g. a topological
// order reversed).
std::vector<GraphLine> draw_graph(const std::vector<GraphNode>& newest_first);

}  // namespace migrate::core
