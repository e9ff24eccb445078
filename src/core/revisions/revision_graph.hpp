// The revision DAG built from `parents`: heads, bases, ancestry and a
// deterministic topological order (parents first, ties broken by id). Pure data:
// no files, no database.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/id_index.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

// The edges of every node of a graph in one flat list (compressed rows): node
// i's are targets[offsets[i]] .. targets[offsets[i + 1] - 1]. Two allocations
// for any number of nodes, where a vector per node costs one each.
struct Adjacency {
  struct Edges {
    const size_t* first;
    const size_t* last;
    const size_t* begin() const { return first; }
    const size_t* end() const { return last; }
    size_t size() const { return static_cast<size_t>(last - first); }
    bool empty() const { return first == last; }
  };
  std::vector<size_t> offsets{0};
  std::vector<size_t> targets;

  size_t nodes() const { return offsets.size() - 1; }
  Edges of(size_t node) const {
    return {targets.data() + offsets[node], targets.data() + offsets[node + 1]};
  }
  // Rows are written in node order: the edges of the next node, then close_node().
  void add_edge(size_t target) { targets.push_back(target); }
  void close_node() { offsets.push_back(targets.size()); }
  // The same edges reversed (children from parents), each row in source order.
  Adjacency reversed() const;
};

class RevisionGraph {
 public:
  RevisionGraph() = default;

  // Builds and validates the graph: duplicate ids, unknown parents, a revision
  // that is its own parent, and cycles (naming every member) become problems.
  // Throws InvalidFilesError when there are any (together with `problems`
  // already collected by the caller, which are reported first). A parent
  // listed in `invalid_ids` (declared by a file that failed to parse) is not
  // reported missing: that file's own problems are.
  static RevisionGraph build(std::vector<Revision> revisions,
                             std::vector<FileProblem> problems = {},
                             const std::unordered_set<std::string>& invalid_ids = {});

  size_t size() const { return m_revisions.size(); }
  bool empty() const { return m_revisions.empty(); }
  bool contains(const std::string& id) const { return find(id) != nullptr; }
  // nullptr when unknown.
  const Revision* find(const std::string& id) const;
  // Throws std::out_of_range when unknown.
  const Revision& get(const std::string& id) const;

  // Revisions without children / without parents, sorted by id.
  const std::vector<std::string>& heads() const { return m_heads; }
  const std::vector<std::string>& bases() const { return m_bases; }
  std::vector<std::string> children(const std::string& id) const;

  // Every revision, parents before children, ties broken by id.
  const std::vector<std::string>& order() const { return m_order; }
  // Position of a revision in order(); used to sort subsets consistently.
  size_t position(const std::string& id) const;

  // The ids of `ids` and all their ancestors, as a membership vector indexed by position().
  std::vector<bool> closure_up(const std::vector<std::string>& ids) const;
  // The ids of `ids` and all their descendants, likewise.
  std::vector<bool> closure_down(const std::vector<std::string>& ids) const;

  // Ids of all revisions whose id starts with `prefix`, sorted.
  std::vector<std::string> matching_prefix(const std::string& prefix) const;

 private:
  std::vector<Revision> m_revisions;  // in order()
  IdIndex m_index;                    // id -> position
  Adjacency m_parents, m_children;    // by position
  std::vector<std::string> m_order, m_heads, m_bases;

  size_t index_of(std::string_view id) const;
};

}  // namespace migrate::core
