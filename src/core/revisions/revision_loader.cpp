#include "core/revisions/revision_loader.hpp"

#include "core/revisions/revision_parser.hpp"

namespace migrate::core {

RevisionGraph load_revisions(std::vector<SourceFile> files) {
  std::vector<FileProblem> problems;
  std::vector<Revision> revisions;
  std::unordered_set<std::string> invalid_ids;
  revisions.reserve(files.size());
  for (auto& file : files) {
    if (auto revision = parse_revision(file, problems))
      revisions.push_back(std::move(*revision));
    else if (std::string id = declared_id(file); !id.empty())
      invalid_ids.insert(id);
    std::string().swap(file.content);  // the revision has its own copy
  }
  return RevisionGraph::build(std::move(revisions), std::move(problems), invalid_ids);
}

}  // namespace migrate::core
