// The cache of parsed revision files on disk, for the commands that read no
// revision's SQL (status, heads, history): one file per migrations directory
// in a cache directory, replaced atomically (a temporary file renamed over
// it), so that two runs at once each read a whole cache or none.
#pragma once

#include <cstdint>
#include <string>

#include "core/revisions/revision_graph.hpp"

namespace migrate::fs {

// Where caches live: MIGRATE_CACHE_DIR, else $XDG_CACHE_HOME/migrate, else
// $HOME/.cache/migrate; "" (no cache) when none of them is set. Takes the
// variables' values ("" when unset).
std::string cache_dir_from(const std::string& migrate_cache_dir, const std::string& xdg_cache_home,
                           const std::string& home);

struct SummaryLoad {
  core::RevisionGraph graph;  // of summaries: no content, sections or operations
  size_t files = 0;           // revision files listed
  size_t from_cache = 0;      // of which the cache held an up-to-date summary
  std::string cache_path;     // the cache file, "" when none is used
  std::string cache_note;     // what went wrong with the cache ("" when nothing did)
};

// The graph of `dir` from summaries: a file whose size, times, inode and
// device are those the cache recorded is not opened; any other is read and
// parsed, and its summary written back. A file changed in the last two
// seconds is not recorded (its time stamps could still hide an edit), an
// invalid file never is, and a cache that cannot be read, was written by
// another migrate build or is damaged is ignored and rebuilt; one that
// cannot be written is left alone (the command works without). `cache_dir`
// "": no cache. `now_ns` (nanoseconds since the epoch) is what "the last two
// seconds" count back from; 0: the clock's. Throws as core::load_revisions does.
SummaryLoad load_revision_summaries(const std::string& dir, const std::string& cache_dir,
                                    int64_t now_ns = 0);

}  // namespace migrate::fs
