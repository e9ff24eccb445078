#include "fs/source_tree.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::fs {

namespace stdfs = std::filesystem;

std::vector<core::SourceFile> read_source_tree(const std::string& dir) {
  std::error_code error;
  if (!stdfs::is_directory(dir, error))
    throw usage_error(fmt::format("'{}' is not a directory", dir),
                      "give the directory that holds the other tool's migrations");
  std::vector<core::SourceFile> files;
  for (auto it = stdfs::recursive_directory_iterator(dir, stdfs::directory_options::skip_permission_denied, error);
       it != stdfs::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    files.push_back({stdfs::relative(it->path(), dir).generic_string(), read_file(it->path().string())});
  }
  if (error) throw usage_error(fmt::format("cannot read '{}': {}", dir, error.message()));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

}  // namespace migrate::fs
