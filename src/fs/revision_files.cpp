#include "fs/revision_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/revisions/revision_parser.hpp"

namespace migrate::fs {

namespace {

core::FileStamp stamp_of(const struct stat& info) {
  core::FileStamp stamp;
  stamp.size = static_cast<uint64_t>(info.st_size);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  stamp.device = static_cast<uint64_t>(info.st_dev);
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  stamp.ctime_ns = static_cast<int64_t>(info.st_ctim.tv_sec) * 1000000000 + info.st_ctim.tv_nsec;
  return stamp;
}

std::string joined(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

struct Walk {
  Stamps stamps;
  std::vector<ListedFile>& files;
  std::vector<FileProblem>& problems;

  // `fd` is the open directory `shown`; takes ownership of it.
  void directory(int fd, const std::string& shown, const std::string& relative) {
    DIR* stream = ::fdopendir(fd);
    if (!stream) {
      int error = errno;
      ::close(fd);
      cannot_read(shown, error);
      return;
    }
    for (;;) {
      errno = 0;
      struct dirent* entry = ::readdir(stream);
      if (!entry) {
        if (int error = errno; error != 0)
          problems.push_back(
              {shown, 0, fmt::format("cannot list this directory: {}", std::strerror(error))});
        break;
      }
      const char* name = entry->d_name;
      if (name[0] == '.') continue;  // hidden, and . and ..
      unsigned char type = entry->d_type;
      struct stat info {};
      bool have_info = false;
      if (type == DT_UNKNOWN) {
        if (::fstatat(::dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
          int error = errno;
          if (error != ENOENT)  // gone since the listing: not a file any more
            problems.push_back({joined(shown, name), 0,
                                fmt::format("cannot read this entry: {}", std::strerror(error))});
          continue;
        }
        have_info = true;
        type = S_ISDIR(info.st_mode)   ? DT_DIR
               : S_ISLNK(info.st_mode) ? DT_LNK
               : S_ISREG(info.st_mode) ? DT_REG
                                       : DT_UNKNOWN;
      }
      std::string path = joined(shown, name);
      std::string below = relative.empty() ? std::string(name) : relative + "/" + name;
      if (type == DT_DIR) {
        int child =
            ::openat(::dirfd(stream), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0)
          cannot_read(path, errno);
        else
          directory(child, path, below);
        continue;
      }
      if (!core::format_of(name)) continue;
      if (type == DT_LNK) {
        if (::fstatat(::dirfd(stream), name, &info, 0) != 0) {
          int error = errno;
          char target[4096];
          ssize_t length = ::readlinkat(::dirfd(stream), name, target, sizeof target - 1);
          target[length > 0 ? length : 0] = '\0';
          if (error == ENOENT)
            problems.push_back(
                {path, 0, fmt::format("a symbolic link to '{}', which does not exist", target),
                 "restore the file it points to, or remove the link"});
          else
            problems.push_back(
                {path, 0, fmt::format("cannot read this file: {}", std::strerror(error))});
          continue;
        }
        if (!S_ISREG(info.st_mode)) continue;
        have_info = true;
      } else if (type != DT_REG) {
        continue;
      }
      ListedFile file{std::move(path), std::move(below), {}};
      if (stamps == Stamps::yes) {
        if (!have_info && ::fstatat(::dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
          int error = errno;
          problems.push_back(
              {file.path, 0, fmt::format("cannot read this file: {}", std::strerror(error))});
          continue;
        }
        file.stamp = stamp_of(info);
      }
      files.push_back(std::move(file));
    }
    ::closedir(stream);
  }

  void cannot_read(const std::string& path, int error) {
    problems.push_back(
        {path, 0, fmt::format("cannot read this directory: {}", std::strerror(error)),
         "make it readable (e.g. `chmod a+rx`), or move it out of the migrations directory"});
  }
};

}  // namespace

std::vector<ListedFile> list_revision_files(const std::string& dir, Stamps stamps,
                                            std::vector<FileProblem>& problems) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      throw usage_error(fmt::format("migrations directory '{}' does not exist", dir),
                        "run `migrate init` to create it, or point --dir at your migrations");
    std::vector<ListedFile> none;
    Walk{stamps, none, problems}.cannot_read(dir, errno);
    return none;
  }
  std::vector<ListedFile> files;
  Walk{stamps, files, problems}.directory(fd, dir, "");
  std::sort(files.begin(), files.end(),
            [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
  return files;
}

void drop_byte_order_mark(std::string& text) {
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
}

static Error too_large(const std::string& path, size_t size, size_t limit) {
  return usage_error(
      fmt::format("{}: {:.1f} MiB is more than a revision file may hold ({} MiB)", path,
                  static_cast<double>(size) / (1 << 20), limit >> 20),
      "split it into several revisions, or load bulk data with COPY ... FROM a file");
}

std::string read_revision_file(const std::string& path, core::FileStamp* stamp, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ExitCode::usage, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  struct stat info {};
  std::string text;
  if (::fstat(fd, &info) == 0) {
    if (stamp) *stamp = stamp_of(info);
    if (static_cast<size_t>(info.st_size) > limit) {
      ::close(fd);
      throw too_large(path, static_cast<size_t>(info.st_size), limit);
    }
    // One read for the whole file, and one more that sees its end.
    text.resize(static_cast<size_t>(info.st_size) + 1);
  }
  size_t used = 0;
  for (;;) {
    if (used == text.size()) text.resize(text.size() * 2 + 4096);
    ssize_t got = ::read(fd, text.data() + used, text.size() - used);
    if (got > 0) {
      used += static_cast<size_t>(got);
      if (used > limit) {  // it grew while being read
        ::close(fd);
        throw too_large(path, used, limit);
      }
    } else if (got == 0) {
      break;
    } else if (errno != EINTR) {
      int error = errno;
      ::close(fd);
      throw Error(ExitCode::usage, fmt::format("cannot read {}: {}", path, std::strerror(error)));
    }
  }
  ::close(fd);
  text.resize(used);
  return text;
}

}  // namespace migrate::fs
