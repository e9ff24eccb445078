// Turns the files of a migrations directory into a validated RevisionGraph,
// reporting every problem in every file at once.
#pragma once

#include <vector>

#include "core/revisions/revision_graph.hpp"

namespace migrate::core {

// Parses every file and builds the graph. Throws InvalidFilesError (exit 2)
// listing every problem when any file is invalid. Takes the files by value:
// each file's bytes are released once its revision holds them.
RevisionGraph load_revisions(std::vector<SourceFile> files);

}  // namespace migrate::core
