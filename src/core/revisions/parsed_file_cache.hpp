// The cache of parsed revision files, as bytes: for each valid file, what the
// file system said of it when it was parsed and its summary (a Revision
// without content, sections or operations). Pure: finding, reading and
// replacing the cache file is fs/revision_cache's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/revisions/revision.hpp"

namespace migrate::core {

// What the file system says of a file. A file whose stamp is unchanged is
// taken to hold the bytes it held when its entry was written; an edit changes
// at least its ctime (and a checkout, its inode).
struct FileStamp {
  uint64_t size = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp& other) const {
    return size == other.size && inode == other.inode && device == other.device &&
           mtime_ns == other.mtime_ns && ctime_ns == other.ctime_ns;
  }
  bool operator!=(const FileStamp& other) const { return !(*this == other); }
};

struct CachedRevision {
  std::string relative_path;  // below the migrations directory
  FileStamp stamp;
  Revision summary;  // summary_only; its path is set by whoever reads the cache
};

// The revision without its content, sections and operations, with the
// content's checksum and whether it has a contract phase worked out first.
Revision summarize(Revision revision);

// `identity` names the binary that writes (version and build) and the
// directory the entries are below: a cache written for anything else is not read.
std::string encode_parsed_file_cache(const std::vector<CachedRevision>& entries,
                                     std::string_view identity);

// The entries, or nullopt for anything but a whole cache written with
// `identity` (another version, another directory, truncated, altered, empty).
std::optional<std::vector<CachedRevision>> decode_parsed_file_cache(std::string_view bytes,
                                                                    std::string_view identity);

}  // namespace migrate::core
