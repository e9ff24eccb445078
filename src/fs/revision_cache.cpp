#include "fs/revision_cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "core/identifier.hpp"
#include "core/revisions/parsed_file_cache.hpp"
#include "core/revisions/revision_parser.hpp"
#include "fs/revision_files.hpp"
#include "version.hpp"

namespace migrate::fs {

namespace {

// Time stamps come from a clock that ticks coarsely (a few ms on Linux, 1-2 s
// on some file systems): an edit in the same tick as the parse keeps them.
constexpr int64_t k_racy_window_ns = int64_t{2} * 1000000000;

int64_t now_ns() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// This binary: its version and its build (a rebuilt binary may parse otherwise).
std::string binary_identity() {
  struct stat info {};
  if (::stat("/proc/self/exe", &info) != 0) return k_version;
  return fmt::format("{} {} {} {}.{}", k_version, info.st_size, info.st_ino, info.st_mtim.tv_sec,
                     info.st_mtim.tv_nsec);
}

bool make_directories(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return true;
  if (errno != ENOENT) return false;
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return false;
  if (!make_directories(path.substr(0, slash))) return false;
  return ::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST;
}

// Writes `bytes` to a temporary file beside `path` and renames it over
// `path`. Returns "" or what went wrong.
std::string replace_file(const std::string& dir, const std::string& path,
                         const std::string& bytes) {
  if (!make_directories(dir)) return fmt::format("cannot create {}: {}", dir, std::strerror(errno));
  std::string temporary = dir + "/.revisions-XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) return fmt::format("cannot write in {}: {}", dir, std::strerror(errno));
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t done = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) {
      int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      return fmt::format("cannot write {}: {}", temporary, std::strerror(error));
    }
    written += static_cast<size_t>(done);
  }
  if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return fmt::format("cannot replace {}: {}", path, std::strerror(error));
  }
  return "";
}

}  // namespace

std::string cache_dir_from(const std::string& migrate_cache_dir, const std::string& xdg_cache_home,
                           const std::string& home) {
  if (!migrate_cache_dir.empty()) return migrate_cache_dir;
  if (!xdg_cache_home.empty()) return xdg_cache_home + "/migrate";
  if (!home.empty()) return home + "/.cache/migrate";
  return "";
}

SummaryLoad load_revision_summaries(const std::string& dir, const std::string& cache_dir,
                                    int64_t now) {
  std::vector<FileProblem> problems;
  std::vector<ListedFile> listed = list_revision_files(dir, Stamps::yes, problems);
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));

  SummaryLoad load;
  load.files = listed.size();
  std::string identity;
  std::vector<core::CachedRevision> cached;
  bool cache_whole = false;
  if (!cache_dir.empty()) {
    if (char* real = ::realpath(dir.c_str(), nullptr)) {
      identity = binary_identity() + "\n" + real;
      load.cache_path = fmt::format("{}/revisions-{:016x}.cache", cache_dir, core::fnv1a_64(real));
      std::free(real);
      struct stat info {};
      if (::stat(load.cache_path.c_str(), &info) == 0) {
        std::string bytes;
        try {
          bytes = read_revision_file(load.cache_path, nullptr, SIZE_MAX);
        } catch (const Error&) {
        }
        if (auto entries = core::decode_parsed_file_cache(bytes, identity)) {
          cached = std::move(*entries);
          cache_whole = true;
        } else {
          load.cache_note =
              "the cache was unreadable, damaged or written by another migrate build: rebuilt";
        }
      }
    }
  }
  std::unordered_map<std::string_view, size_t> by_path;
  by_path.reserve(cached.size());
  for (size_t i = 0; i < cached.size(); ++i) by_path.emplace(cached[i].relative_path, i);

  // Which entry is each file's (npos: none up to date).
  std::vector<size_t> hits(listed.size(), std::string::npos);
  for (size_t i = 0; i < listed.size(); ++i) {
    auto hit = by_path.find(listed[i].relative_path);
    if (hit != by_path.end() && cached[hit->second].stamp == listed[i].stamp) {
      hits[i] = hit->second;
      ++load.from_cache;
    }
  }
  // The cache stays as it is when every file hit and every entry was used:
  // the summaries can move out of it.
  const bool unchanged =
      cache_whole && load.from_cache == listed.size() && load.from_cache == cached.size();

  std::vector<core::Revision> revisions;
  revisions.reserve(listed.size());
  std::vector<core::CachedRevision> entries;  // new ones, then those still up to date
  std::unordered_set<std::string> invalid_ids;
  size_t recorded_misses = 0;
  const int64_t racy_after = (now != 0 ? now : now_ns()) - k_racy_window_ns;
  for (size_t i = 0; i < listed.size(); ++i) {
    ListedFile& file = listed[i];
    if (hits[i] != std::string::npos) {
      core::CachedRevision& entry = cached[hits[i]];
      entry.summary.path = file.path;
      if (unchanged)
        revisions.push_back(std::move(entry.summary));
      else
        revisions.push_back(entry.summary);
      continue;
    }
    core::FileStamp stamp;
    std::string text = read_revision_file(file.path, &stamp);
    drop_byte_order_mark(text);
    core::SourceFile source{file.path, std::move(text)};
    auto revision = core::parse_revision(std::move(source), problems);  // whole again on failure
    if (!revision) {
      if (std::string id = core::declared_id(source); !id.empty()) invalid_ids.insert(id);
      continue;
    }
    revisions.push_back(core::summarize(std::move(*revision)));
    if (!load.cache_path.empty() && stamp.mtime_ns < racy_after && stamp.ctime_ns < racy_after) {
      entries.push_back({file.relative_path, stamp, revisions.back()});
      ++recorded_misses;
    }
  }

  // Rewritten when it gained an entry or holds one of a file gone or changed.
  if (!load.cache_path.empty() && !unchanged &&
      (recorded_misses > 0 || !cache_whole || load.from_cache != cached.size())) {
    for (size_t i = 0; i < listed.size(); ++i)
      if (hits[i] != std::string::npos) entries.push_back(std::move(cached[hits[i]]));
    std::string written =
        replace_file(cache_dir, load.cache_path, core::encode_parsed_file_cache(entries, identity));
    if (!written.empty()) load.cache_note = written + " (the command works without it)";
  }
  load.graph = core::RevisionGraph::build(std::move(revisions), std::move(problems), invalid_ids);
  return load;
}

}  // namespace migrate::fs
