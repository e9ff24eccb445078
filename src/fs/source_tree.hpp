// Another tool's migrations directory read as it is, for `migrate import`:
// every regular file below it, with paths relative to it.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision.hpp"

namespace migrate::fs {

// Every regular file below `dir` (hidden files and directories skipped),
// sorted by relative path. Throws a usage Error when `dir` is not a directory.
std::vector<core::SourceFile> read_source_tree(const std::string& dir);

}  // namespace migrate::fs
