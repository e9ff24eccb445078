// Finding the revision files below a migrations directory with readdir (no
// std::filesystem: thousands of entries), and reading one with one read.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/parsed_file_cache.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::fs {

struct ListedFile {
  std::string path;           // as shown: `dir/relative`
  std::string relative_path;  // below dir
  core::FileStamp stamp;      // only when listed with Stamps::yes
};

// Every *.sql, *.yaml and *.yml file below `dir`, subdirectories included
// (not followed through symbolic links), hidden entries skipped, sorted by
// path. A symbolic link to a file counts as that file. What cannot be read
// becomes a problem naming its path, never a file skipped: a revision left
// out would silently never be applied. Throws a usage Error when `dir` is
// not a directory.
enum class Stamps { no, yes };
std::vector<ListedFile> list_revision_files(const std::string& dir, Stamps stamps,
                                            std::vector<FileProblem>& problems);

// The whole file as bytes, and (when `stamp` is given) what fstat said of it
// before reading. Throws a usage Error naming the path when it cannot be read
// or holds more than `limit` bytes (by default, what a revision file may hold).
std::string read_revision_file(const std::string& path, core::FileStamp* stamp = nullptr,
                               size_t limit = k_max_revision_file_bytes);

// Drops a UTF-8 byte order mark (some Windows editors write one): it is not SQL.
void drop_byte_order_mark(std::string& text);

}  // namespace migrate::fs
