#include "core/revisions/revision_loader.hpp"

#include "core/revisions/revision_parser.hpp"

namespace migrate::core {

RevisionGraph load_revisions(std::vector<SourceFile> files) {
  std::vector<FileProblem> problems;
  std::vector<Revision> revisions;
  std::unordered_set<std::string> invalid_ids;
  revisions.reserve(files.size());
  for (auto& file : files) {
    if (auto revision = parse_revision(std::move(file), problems))
      revisions.push_back(std::move(*revision));  // with the file's content
    else if (std::string id = declared_id(file); !id.empty())
      invalid_ids.insert(id);
  }
  // The paths too, before the graph's own working memory: the peak of a large
  // history's load is the graph build.
  std::vector<SourceFile>().swap(files);
  return RevisionGraph::build(std::move(revisions), std::move(problems), invalid_ids);
}

}  // namespace migrate::core
