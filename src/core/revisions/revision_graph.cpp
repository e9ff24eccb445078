#include "core/revisions/revision_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <queue>
#include <stdexcept>
#include <utility>

namespace migrate::core {

namespace {

// Finds one cycle among the revisions Kahn's algorithm could not order, for the
// message. `left[i]` marks those revisions. Depth-first with an explicit stack
// (node, next parent to look at): a chain of any length below the cycle walks
// in constant native stack.
std::vector<size_t> find_cycle(const std::vector<std::vector<size_t>>& parents,
                               const std::vector<bool>& left) {
  enum class Mark { fresh, on_path, done };
  std::vector<Mark> mark(parents.size(), Mark::fresh);
  std::vector<std::pair<size_t, size_t>> path;  // (node, index of its next parent)
  for (size_t start = 0; start < parents.size(); ++start) {
    if (!left[start] || mark[start] != Mark::fresh) continue;
    mark[start] = Mark::on_path;
    path.emplace_back(start, 0);
    while (!path.empty()) {
      auto& [node, next] = path.back();
      if (next == parents[node].size()) {
        mark[node] = Mark::done;
        path.pop_back();
        continue;
      }
      size_t parent = parents[node][next++];
      if (!left[parent] || mark[parent] == Mark::done) continue;
      if (mark[parent] == Mark::on_path) {
        std::vector<size_t> cycle;
        auto from = std::find_if(path.begin(), path.end(),
                                 [&](const auto& entry) { return entry.first == parent; });
        for (auto it = from; it != path.end(); ++it) cycle.push_back(it->first);
        return cycle;
      }
      mark[parent] = Mark::on_path;
      path.emplace_back(parent, 0);
    }
  }
  return {};
}

}  // namespace

RevisionGraph RevisionGraph::build(std::vector<Revision> revisions,
                                   std::vector<FileProblem> problems,
                                   const std::unordered_set<std::string>& invalid_ids) {
  // Work on file order first (sorted by id for determinism), then re-lay in topological order.
  // Sorting indices, not revisions: a Revision is large to move around.
  std::vector<size_t> sorted(revisions.size());
  for (size_t i = 0; i < sorted.size(); ++i) sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&](size_t a, size_t b) {
    const Revision& x = revisions[a];
    const Revision& y = revisions[b];
    return x.id != y.id ? x.id < y.id : x.path < y.path;
  });

  // kept[i]: the index in `revisions` of the i-th revision in id order, first
  // of its id. The revisions stay where they are until the final re-lay.
  std::unordered_map<std::string, size_t> by_id;
  by_id.reserve(revisions.size());
  std::vector<size_t> kept;
  kept.reserve(revisions.size());
  for (size_t index : sorted) {
    const Revision& revision = revisions[index];
    auto found = by_id.find(revision.id);
    if (found != by_id.end()) {
      const Revision& first = revisions[kept[found->second]];
      problems.push_back({revision.path, revision.id_line,
                          fmt::format("duplicate revision id '{}' (also in {}:{})", revision.id,
                                      first.path, first.id_line)});
      continue;
    }
    by_id.emplace(revision.id, kept.size());
    kept.push_back(index);
  }
  auto unique = [&](size_t i) -> const Revision& { return revisions[kept[i]]; };

  const size_t n = kept.size();
  std::vector<std::vector<size_t>> parents(n), children(n);
  for (size_t i = 0; i < n; ++i) {
    const Revision& revision = unique(i);
    for (const auto& parent : revision.parents) {
      if (parent == revision.id) {
        problems.push_back({revision.path, revision.id_line,
                            fmt::format("revision '{}' lists itself as a parent", parent)});
        continue;
      }
      auto found = by_id.find(parent);
      if (found == by_id.end()) {
        if (invalid_ids.count(parent)) continue;  // its own file's problems are reported
        problems.push_back(
            {revision.path, revision.parents_line > 0 ? revision.parents_line : revision.id_line,
             fmt::format("parent '{}' of revision '{}' does not exist in this directory", parent,
                         revision.id)});
        continue;
      }
      if (std::find(parents[i].begin(), parents[i].end(), found->second) != parents[i].end()) {
        problems.push_back(
            {revision.path, revision.id_line, fmt::format("parent '{}' is listed twice", parent)});
        continue;
      }
      parents[i].push_back(found->second);
      children[found->second].push_back(i);
    }
  }

  // Kahn's algorithm with a min-heap on id: parents first, ties broken by id.
  // Indices follow id order, so the smallest index is the smallest id.
  std::vector<size_t> waiting(n);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i) {
    waiting[i] = parents[i].size();
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    size_t node = ready.top();
    ready.pop();
    order.push_back(node);
    for (size_t child : children[node])
      if (--waiting[child] == 0) ready.push(child);
  }
  if (order.size() != n) {
    std::vector<bool> left(n, true);
    for (size_t node : order) left[node] = false;
    std::vector<size_t> cycle = find_cycle(parents, left);
    std::string members;
    for (size_t node : cycle) members += unique(node).id + " -> ";
    if (!cycle.empty()) members += unique(cycle.front()).id;
    const Revision& first = unique(cycle.empty() ? 0 : cycle.front());
    problems.push_back({first.path, first.id_line, fmt::format("cycle in parents: {}", members)});
  }
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));

  RevisionGraph graph;
  std::vector<size_t> new_position(n);
  for (size_t i = 0; i < n; ++i) new_position[order[i]] = i;
  graph.m_index.reserve(n);
  graph.m_parents.resize(n);
  graph.m_children.resize(n);
  graph.m_order.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    size_t old = order[i];
    const Revision& revision = unique(old);
    graph.m_index.emplace(revision.id, i);
    graph.m_order.push_back(revision.id);
    graph.m_parents[i].reserve(parents[old].size());
    for (size_t parent : parents[old]) graph.m_parents[i].push_back(new_position[parent]);
    graph.m_children[i].reserve(children[old].size());
    for (size_t child : children[old]) graph.m_children[i].push_back(new_position[child]);
  }
  // Re-lay the revisions in topological order where they are (a Revision is
  // large, and 50,000 of them twice is the peak of a big history's memory):
  // position i takes revisions[source[i]], duplicates go to the end and are cut.
  std::vector<size_t> source(revisions.size());
  std::vector<bool> placed(revisions.size(), false);
  for (size_t i = 0; i < n; ++i) {
    source[i] = kept[order[i]];
    placed[source[i]] = true;
  }
  for (size_t index = 0, next = n; index < revisions.size(); ++index)
    if (!placed[index]) source[next++] = index;
  std::vector<bool> done(revisions.size(), false);
  for (size_t start = 0; start < revisions.size(); ++start) {
    if (done[start] || source[start] == start) continue;
    Revision held = std::move(revisions[start]);
    size_t at = start;
    while (source[at] != start) {
      revisions[at] = std::move(revisions[source[at]]);
      done[at] = true;
      at = source[at];
    }
    revisions[at] = std::move(held);
    done[at] = true;
  }
  revisions.resize(n);
  graph.m_revisions = std::move(revisions);
  for (size_t i = 0; i < n; ++i) {
    if (graph.m_children[i].empty()) graph.m_heads.push_back(graph.m_order[i]);
    if (graph.m_parents[i].empty()) graph.m_bases.push_back(graph.m_order[i]);
  }
  std::sort(graph.m_heads.begin(), graph.m_heads.end());
  std::sort(graph.m_bases.begin(), graph.m_bases.end());
  return graph;
}

const Revision* RevisionGraph::find(const std::string& id) const {
  auto found = m_index.find(id);
  return found == m_index.end() ? nullptr : &m_revisions[found->second];
}

const Revision& RevisionGraph::get(const std::string& id) const {
  const Revision* revision = find(id);
  if (!revision) throw std::out_of_range("unknown revision " + id);
  return *revision;
}

size_t RevisionGraph::position(const std::string& id) const {
  auto found = m_index.find(id);
  if (found == m_index.end()) throw std::out_of_range("unknown revision " + id);
  return found->second;
}

std::vector<std::string> RevisionGraph::children(const std::string& id) const {
  std::vector<std::string> ids;
  for (size_t child : m_children[position(id)]) ids.push_back(m_order[child]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Marks `ids` and everything reachable from them along `edges`.
static std::vector<bool> reachable(const std::vector<std::vector<size_t>>& edges,
                                   std::vector<size_t> stack) {
  std::vector<bool> in(edges.size(), false);
  while (!stack.empty()) {
    size_t node = stack.back();
    stack.pop_back();
    if (in[node]) continue;
    in[node] = true;
    for (size_t next : edges[node]) stack.push_back(next);
  }
  return in;
}

std::vector<bool> RevisionGraph::closure_up(const std::vector<std::string>& ids) const {
  std::vector<size_t> start;
  for (const auto& id : ids) start.push_back(position(id));
  return reachable(m_parents, std::move(start));
}

std::vector<bool> RevisionGraph::closure_down(const std::vector<std::string>& ids) const {
  std::vector<size_t> start;
  for (const auto& id : ids) start.push_back(position(id));
  return reachable(m_children, std::move(start));
}

std::vector<std::string> RevisionGraph::matching_prefix(const std::string& prefix) const {
  std::vector<std::string> ids;
  for (const auto& id : m_order)
    if (id.compare(0, prefix.size(), prefix) == 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace migrate::core
