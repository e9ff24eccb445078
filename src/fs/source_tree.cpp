#include "fs/source_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

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
  for (const auto& path : files_below(dir))
    files.push_back({stdfs::relative(path, dir).generic_string(), read_file(path)});
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

}  // namespace migrate::fs
