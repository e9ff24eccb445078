// The migrations directory on disk: reading every revision file, writing new
// ones. The core sees only SourceFile values.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision.hpp"

namespace migrate::fs {

// The largest revision file migrate reads: checking and running one costs
// about 16 times its size in memory, and bulk data belongs in COPY from a file.
constexpr size_t k_max_revision_file_bytes = size_t{16} << 20;

// Every *.sql, *.yaml and *.yml file below `dir` (subdirectories included, so
// releases can keep their own folders), sorted by path. Paths are shown as
// `dir/relative`. Throws a usage Error when the directory does not exist or a
// file is larger than k_max_revision_file_bytes.
std::vector<core::SourceFile> read_migrations(const std::string& dir);

// Every regular file below `dir`, hidden files and directories skipped, as
// paths that start with `dir`. Throws a usage Error when a directory cannot be read.
std::vector<std::string> files_below(const std::string& dir);

// The whole file as bytes; throws a usage Error when it cannot be read.
std::string read_file(const std::string& path);

// Writes `content` to `path`, replacing what it held; throws Error(runtime)
// naming the path when it cannot.
void write_file(const std::string& path, const std::string& content);

// Writes a new file; refuses to overwrite. Returns the path written.
std::string write_new_file(const std::string& dir, const std::string& name,
                           const std::string& content);

// `git describe --always --tags --dirty` run in `dir`, or "" outside a work tree.
std::string git_describe(const std::string& dir);

// A fresh random revision id: 12 hex digits.
std::string new_revision_id();

// This machine's host name.
std::string host_name();

}  // namespace migrate::fs
