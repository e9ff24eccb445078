#include "fs/migrations_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "core/revisions/revision_parser.hpp"

namespace migrate::fs {

namespace stdfs = std::filesystem;

// The whole file, with one read where the size allows (thousands of small
// files: streams cost more than the reading).
std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ExitCode::usage, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string text;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_size > 0) {
    if (static_cast<size_t>(info.st_size) > k_max_revision_file_bytes) {
      ::close(fd);
      throw usage_error(
          fmt::format("{}: {:.1f} MiB is more than a revision file may hold ({} MiB)", path,
                      static_cast<double>(info.st_size) / (1 << 20),
                      k_max_revision_file_bytes >> 20),
          "split it into several revisions, or load bulk data with COPY ... FROM a file");
    }
    text.reserve(static_cast<size_t>(info.st_size));
  }
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      text.append(buffer, static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fd);
  return text;
}

std::vector<std::string> files_below(const std::string& dir) {
  std::error_code error;
  std::vector<std::string> paths;
  for (auto it = stdfs::recursive_directory_iterator(
           dir, stdfs::directory_options::skip_permission_denied, error);
       it != stdfs::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    // The iterator's paths start with `dir` as given; they are shown as they are.
    if (it->is_regular_file()) paths.push_back(it->path().string());
  }
  if (error) throw usage_error(fmt::format("cannot read '{}': {}", dir, error.message()));
  return paths;
}

// Revision files below `dir` (not following links to directories, skipping
// hidden entries); what cannot be read is a problem naming its path, never
// skipped: a revision left out would silently never be applied.
static void collect(const stdfs::path& dir, std::vector<core::SourceFile>& files,
                    std::vector<FileProblem>& problems) {
  std::error_code error;
  stdfs::directory_iterator it(dir, error), end;
  if (error) {
    problems.push_back(
        {dir.string(), 0, fmt::format("cannot read this directory: {}", error.message()),
         "make it readable (e.g. `chmod a+rx`), or move it out of the migrations directory"});
    return;
  }
  for (; it != end; it.increment(error)) {
    if (error) {
      problems.push_back(
          {dir.string(), 0, fmt::format("cannot list this directory: {}", error.message())});
      return;
    }
    const auto& path = it->path();
    std::string name = path.filename().string();
    if (!name.empty() && name[0] == '.') continue;
    std::error_code kind_error;
    bool link = it->is_symlink(kind_error);
    if (!link && it->is_directory(kind_error)) {
      collect(path, files, problems);
      continue;
    }
    if (!core::format_of(name)) continue;
    // The paths start with `dir` as given; show them as they are.
    std::string shown = path.string();
    if (link && !stdfs::exists(path, kind_error)) {
      problems.push_back({shown, 0,
                          fmt::format("a symbolic link to '{}', which does not exist",
                                      stdfs::read_symlink(path, kind_error).string()),
                          "restore the file it points to, or remove the link"});
      continue;
    }
    if (!stdfs::is_regular_file(path, kind_error)) continue;
    std::string text = read_file(shown);
    // A UTF-8 byte order mark (some Windows editors write one) is not SQL.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    files.push_back({shown, std::move(text)});
  }
}

std::vector<core::SourceFile> read_migrations(const std::string& dir) {
  std::error_code error;
  if (!stdfs::is_directory(dir, error))
    throw usage_error(fmt::format("migrations directory '{}' does not exist", dir),
                      "run `migrate init` to create it, or point --dir at your migrations");
  std::vector<core::SourceFile> files;
  std::vector<FileProblem> problems;
  collect(dir, files, problems);
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out)
    throw Error(ExitCode::runtime, fmt::format("cannot write {}: {}", path, std::strerror(errno)),
                "check that its directory exists and is writable");
}

std::string write_new_file(const std::string& dir, const std::string& name,
                           const std::string& content) {
  std::error_code error;
  stdfs::create_directories(dir, error);
  stdfs::path path = stdfs::path(dir) / name;
  if (stdfs::exists(path))
    throw usage_error(fmt::format("{} already exists; not overwriting it", path.string()),
                      "move it aside or delete it, then run the command again");
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw Error(ExitCode::runtime, fmt::format("cannot write {}", path.string()));
  return path.string();
}

std::string git_describe(const std::string& dir) {
  std::string quoted;
  for (char c : dir) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  std::string command =
      fmt::format("git -C '{}' describe --always --tags --dirty 2>/dev/null", quoted);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {};
  char buffer[256];
  std::string output;
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  int status = pclose(pipe);
  if (status != 0) return {};
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

std::string new_revision_id() {
  std::random_device device;
  std::mt19937_64 random((static_cast<uint64_t>(device()) << 32) ^ device());
  return fmt::format("{:012x}", random() & 0xffffffffffffULL);
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown-host";
  return buffer;
}

}  // namespace migrate::fs
