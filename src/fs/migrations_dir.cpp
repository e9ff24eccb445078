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
#include "fs/revision_files.hpp"

namespace migrate::fs {

namespace stdfs = std::filesystem;

std::string read_file(const std::string& path) { return read_revision_file(path); }

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

std::vector<core::SourceFile> read_migrations(const std::string& dir) {
  std::vector<FileProblem> problems;
  std::vector<ListedFile> listed = list_revision_files(dir, Stamps::no, problems);
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
  std::vector<core::SourceFile> files;
  files.reserve(listed.size());
  for (auto& file : listed) {
    std::string text = read_revision_file(file.path);
    drop_byte_order_mark(text);
    files.push_back({std::move(file.path), std::move(text)});
  }
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
