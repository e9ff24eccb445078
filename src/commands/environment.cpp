#include "commands/environment.hpp"

#include <fmt/format.h>

namespace migrate::commands {

core::RevisionGraph Environment::load_graph(Drafts drafts) const {
  core::RevisionGraph graph = m_seams.load_graph();
  if (drafts == Drafts::warn) warn_drafts(graph);
  return graph;
}

core::RevisionGraph Environment::load_summary_graph() const {
  if (!m_seams.load_summary_graph) return load_graph();
  core::RevisionGraph graph = m_seams.load_summary_graph();
  warn_drafts(graph);
  return graph;
}

// A draft is what `migrate new` writes: reading commands go on, so that two
// revisions can be scaffolded before either is written.
void Environment::warn_drafts(const core::RevisionGraph& graph) const {
  for (const auto& id : graph.order()) {
    const core::Revision& revision = graph.get(id);
    if (revision.is_draft())
      m_seams.reporter.warning(
          fmt::format("{} (a draft: write it before `migrate upgrade`, which refuses to apply it)",
                      core::draft_problem(revision).located()));
  }
}

std::string Environment::dump_schema(const std::string& exclude) const {
  if (!m_seams.dump_schema) throw usage_error("this environment cannot dump a schema");
  return m_seams.dump_schema(exclude);
}

}  // namespace migrate::commands
