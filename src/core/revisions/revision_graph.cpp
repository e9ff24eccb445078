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
std::vector<size_t> find_cycle(const Adjacency& parents, const std::vector<bool>& left) {
  enum class Mark { fresh, on_path, done };
  std::vector<Mark> mark(parents.nodes(), Mark::fresh);
  std::vector<std::pair<size_t, size_t>> path;  // (node, index of its next parent)
  for (size_t start = 0; start < parents.nodes(); ++start) {
    if (!left[start] || mark[start] != Mark::fresh) continue;
    mark[start] = Mark::on_path;
    path.emplace_back(start, 0);
    while (!path.empty()) {
      auto& [node, next] = path.back();
      Adjacency::Edges edges = parents.of(node);
      if (next == edges.size()) {
        mark[node] = Mark::done;
        path.pop_back();
        continue;
      }
      size_t parent = edges.first[next++];
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

Adjacency Adjacency::reversed() const {
  Adjacency out;
  out.offsets.assign(nodes() + 1, 0);
  for (size_t target : targets) ++out.offsets[target + 1];
  for (size_t i = 1; i < out.offsets.size(); ++i) out.offsets[i] += out.offsets[i - 1];
  out.targets.resize(targets.size());
  std::vector<size_t> next(out.offsets.begin(), out.offsets.end() - 1);
  for (size_t source = 0; source < nodes(); ++source)
    for (size_t target : of(source)) out.targets[next[target]++] = source;
  return out;
}

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
  // by_id: the ids of `kept`, by their index in it.
  std::vector<size_t> kept;
  kept.reserve(revisions.size());
  auto kept_id = [&](size_t i) -> std::string_view { return revisions[kept[i]].id; };
  IdIndex by_id;
  by_id.reserve(revisions.size());
  for (size_t index : sorted) {
    const Revision& revision = revisions[index];
    kept.push_back(index);
    size_t found = by_id.insert(kept.size() - 1, kept_id);
    if (found != kept.size() - 1) {
      kept.pop_back();
      const Revision& first = revisions[kept[found]];
      problems.push_back({revision.path, revision.id_line,
                          fmt::format("duplicate revision id '{}' (also in {}:{})", revision.id,
                                      first.path, first.id_line)});
    }
  }
  auto unique = [&](size_t i) -> const Revision& { return revisions[kept[i]]; };

  const size_t n = kept.size();
  Adjacency parents;  // by index in id order
  parents.offsets.reserve(n + 1);
  parents.targets.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Revision& revision = unique(i);
    for (const auto& parent : revision.parents) {
      if (parent == revision.id) {
        problems.push_back({revision.path, revision.id_line,
                            fmt::format("revision '{}' lists itself as a parent", parent)});
        continue;
      }
      size_t found = by_id.find(parent, kept_id);
      if (found == IdIndex::npos) {
        if (invalid_ids.count(parent)) continue;  // its own file's problems are reported
        problems.push_back(
            {revision.path, revision.parents_line > 0 ? revision.parents_line : revision.id_line,
             fmt::format("parent '{}' of revision '{}' does not exist in this directory", parent,
                         revision.id)});
        continue;
      }
      const auto row = parents.targets.begin() + static_cast<std::ptrdiff_t>(parents.offsets[i]);
      if (std::find(row, parents.targets.end(), found) != parents.targets.end()) {
        problems.push_back(
            {revision.path, revision.id_line, fmt::format("parent '{}' is listed twice", parent)});
        continue;
      }
      parents.add_edge(found);
    }
    parents.close_node();
  }
  const Adjacency children = parents.reversed();

  // Kahn's algorithm with a min-heap on id: parents first, ties broken by id.
  // Indices follow id order, so the smallest index is the smallest id.
  std::vector<size_t> waiting(n);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i) {
    waiting[i] = parents.of(i).size();
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    size_t node = ready.top();
    ready.pop();
    order.push_back(node);
    for (size_t child : children.of(node))
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
  graph.m_order.reserve(n);
  graph.m_parents.offsets.reserve(n + 1);
  graph.m_parents.targets.reserve(parents.targets.size());
  graph.m_children.offsets.reserve(n + 1);
  graph.m_children.targets.reserve(children.targets.size());
  for (size_t i = 0; i < n; ++i) {
    size_t old = order[i];
    graph.m_order.push_back(unique(old).id);
    for (size_t parent : parents.of(old)) graph.m_parents.add_edge(new_position[parent]);
    graph.m_parents.close_node();
    for (size_t child : children.of(old)) graph.m_children.add_edge(new_position[child]);
    graph.m_children.close_node();
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
  graph.m_index.reserve(n);
  for (size_t i = 0; i < n; ++i)
    graph.m_index.insert(i, [&](size_t at) -> std::string_view { return graph.m_order[at]; });
  for (size_t i = 0; i < n; ++i) {
    if (graph.m_children.of(i).empty()) graph.m_heads.push_back(graph.m_order[i]);
    if (graph.m_parents.of(i).empty()) graph.m_bases.push_back(graph.m_order[i]);
  }
  std::sort(graph.m_heads.begin(), graph.m_heads.end());
  std::sort(graph.m_bases.begin(), graph.m_bases.end());
  return graph;
}

size_t RevisionGraph::index_of(std::string_view id) const {
  return m_index.find(id, [this](size_t at) -> std::string_view { return m_order[at]; });
}

const Revision* RevisionGraph::find(const std::string& id) const {
  size_t found = index_of(id);
  return found == IdIndex::npos ? nullptr : &m_revisions[found];
}

const Revision& RevisionGraph::get(const std::string& id) const {
  const Revision* revision = find(id);
  if (!revision) throw std::out_of_range("unknown revision " + id);
  return *revision;
}

size_t RevisionGraph::position(const std::string& id) const {
  size_t found = index_of(id);
  if (found == IdIndex::npos) throw std::out_of_range("unknown revision " + id);
  return found;
}

std::vector<std::string> RevisionGraph::children(const std::string& id) const {
  std::vector<std::string> ids;
  for (size_t child : m_children.of(position(id))) ids.push_back(m_order[child]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Marks `ids` and everything reachable from them along `edges`.
static std::vector<bool> reachable(const Adjacency& edges, std::vector<size_t> stack) {
  std::vector<bool> in(edges.nodes(), false);
  while (!stack.empty()) {
    size_t node = stack.back();
    stack.pop_back();
    if (in[node]) continue;
    in[node] = true;
    for (size_t next : edges.of(node)) stack.push_back(next);
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
