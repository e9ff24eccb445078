#include "core/revisions/history_graph.hpp"

#include <algorithm>
#include <unordered_set>

namespace migrate::core {

namespace {

// A lane going from one column to another, one column per line.
struct Edge {
  size_t at;
  size_t to;
};

std::string trimmed(std::string text) {
  text.erase(text.find_last_not_of(' ') + 1);
  return text;
}

// The lines that move every edge to its column, none when nothing moves.
void move_edges(std::vector<Edge> edges, std::vector<GraphLine>& lines) {
  auto moving = [&] {
    return std::any_of(edges.begin(), edges.end(), [](const Edge& e) { return e.at != e.to; });
  };
  while (moving()) {
    size_t width = 0;
    for (const auto& edge : edges) width = std::max(width, 2 * std::max(edge.at, edge.to) + 2);
    std::string row(width, ' ');
    for (auto& edge : edges) {
      if (edge.to < edge.at) {
        row[2 * edge.at - 1] = '/';
        --edge.at;
      } else if (edge.to > edge.at) {
        row[2 * edge.at + 1] = '\\';
        ++edge.at;
      } else {
        row[2 * edge.at] = '|';
      }
    }
    lines.push_back({trimmed(row), ""});
  }
}

}  // namespace

std::vector<GraphLine> draw_graph(const std::vector<GraphNode>& newest_first) {
  std::unordered_set<std::string> drawn;
  for (const auto& node : newest_first) drawn.insert(node.id);
  std::vector<GraphLine> lines;
  std::vector<std::string> lanes;  // the revision each lane waits for
  for (const auto& node : newest_first) {
    auto found = std::find(lanes.begin(), lanes.end(), node.id);
    if (found == lanes.end()) found = lanes.insert(lanes.end(), node.id);  // a head
    size_t column = static_cast<size_t>(found - lanes.begin());

    // Branches that wait for this revision join its lane first.
    std::vector<Edge> join;
    std::vector<std::string> joined;
    for (size_t i = 0; i < lanes.size(); ++i) {
      if (lanes[i] == node.id && i != column) {
        join.push_back({i, column});
        continue;
      }
      join.push_back({i, joined.size()});
      joined.push_back(lanes[i]);
    }
    move_edges(join, lines);
    lanes = joined;
    column = static_cast<size_t>(std::find(lanes.begin(), lanes.end(), node.id) - lanes.begin());

    std::string row;
    for (size_t i = 0; i < lanes.size(); ++i) row += i == column ? "* " : "| ";
    lines.push_back({trimmed(row), node.id});

    // Its parents take its lane, the first one in place, the others beside it.
    std::vector<std::string> parents;
    for (const auto& parent : node.parents)
      if (drawn.count(parent)) parents.push_back(parent);
    std::vector<std::string> next(lanes.begin(), lanes.begin() + static_cast<long>(column));
    next.insert(next.end(), parents.begin(), parents.end());
    next.insert(next.end(), lanes.begin() + static_cast<long>(column) + 1, lanes.end());
    std::vector<Edge> split;
    for (size_t i = 0; i < column; ++i) split.push_back({i, i});
    for (size_t p = 0; p < parents.size(); ++p) split.push_back({column, column + p});
    for (size_t i = column + 1; i < lanes.size(); ++i) split.push_back({i, i + parents.size() - 1});
    move_edges(split, lines);
    lanes = next;
  }
  return lines;
}

}  // namespace migrate::core
