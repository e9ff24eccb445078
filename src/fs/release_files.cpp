#include "fs/release_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/revisions/revision_loader.hpp"
#include "core/revisions/revision_parser.hpp"
#include "fs/migrations_dir.hpp"

extern char** environ;

namespace migrate::fs {

namespace {

namespace stdfs = std::filesystem;

struct GitResult {
  int status = -1;
  std::string out;
  std::string err;
};

// `git -C dir ARGS...` without a shell, both outputs read as they come.
GitResult run_git(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> words = {"git", "-C", dir};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw Error(ExitCode::runtime, fmt::format("cannot run git: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  GitResult result;
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw usage_error(fmt::format("cannot run git: {}", std::strerror(spawned)),
                      "install git, or give the release as a directory (a checkout of it)");
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

bool hidden_part(const std::string& path) {
  for (const auto& part : stdfs::path(path))
    if (!part.empty() && part.string()[0] == '.') return true;
  return false;
}

std::vector<core::SourceFile> read_git_tree(const std::string& spec, const std::string& ref,
                                            const std::string& path,
                                            const std::string& repository_dir) {
  std::error_code error;
  std::string from = stdfs::is_directory(repository_dir, error) ? repository_dir : ".";
  GitResult top = run_git(from, {"rev-parse", "--show-toplevel"});
  if (top.status != 0)
    throw usage_error(fmt::format("{}: {} is not in a git repository", spec, from),
                      "run migrate in the repository, or point --dir at migrations inside it");
  std::string root = last_line(top.out);
  GitResult kind = run_git(root, {"cat-file", "-t", ref + ":" + path});
  if (kind.status != 0 || last_line(kind.out) != "tree")
    throw usage_error(
        fmt::format("{}: git has no directory {} at {} in {}{}", spec, path, ref, root,
                    kind.status != 0 ? " (" + last_line(kind.err) + ")" : ""),
        "check the tag or branch (`git tag`, `git branch -a`) and the path from the repository's "
        "top");
  GitResult listing = run_git(root, {"ls-tree", "-r", "-z", "--name-only", ref + ":" + path});
  if (listing.status != 0)
    throw usage_error(fmt::format("{}: git ls-tree failed: {}", spec, last_line(listing.err)));
  std::vector<core::SourceFile> files;
  size_t start = 0;
  while (start < listing.out.size()) {
    size_t end = listing.out.find('\0', start);
    if (end == std::string::npos) end = listing.out.size();
    std::string relative = listing.out.substr(start, end - start);
    start = end + 1;
    if (relative.empty() || hidden_part(relative) || !core::format_of(relative)) continue;
    std::string shown = fmt::format("git:{}:{}/{}", ref, path, relative);
    GitResult blob = run_git(root, {"show", ref + ":" + path + "/" + relative});
    if (blob.status != 0)
      throw usage_error(fmt::format("{}: git show failed: {}", shown, last_line(blob.err)));
    if (blob.out.size() > k_max_revision_file_bytes)
      throw usage_error(fmt::format("{}: more than a revision file may hold ({} MiB)", shown,
                                    k_max_revision_file_bytes >> 20));
    if (blob.out.compare(0, 3, "\xEF\xBB\xBF") == 0) blob.out.erase(0, 3);
    files.push_back({shown, std::move(blob.out)});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

// A checkout git tracks is named by its version; a plain copy by its path.
std::string directory_name(const std::string& dir) {
  GitResult tracked = run_git(dir, {"ls-files", "--error-unmatch", "."});
  if (tracked.status != 0) return dir;
  std::string described = git_describe(dir);
  return described.empty() ? dir : described;
}

}  // namespace

core::Release read_release(const std::string& spec, const std::string& repository_dir) {
  core::Release release;
  release.source = spec;
  if (spec.rfind("git:", 0) == 0) {
    size_t colon = spec.find(':', 4);
    std::string ref = colon == std::string::npos ? "" : spec.substr(4, colon - 4);
    std::string path = colon == std::string::npos ? "" : spec.substr(colon + 1);
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (ref.empty() || path.empty())
      throw usage_error(fmt::format("'{}' is not a release: git:REF:PATH needs both", spec),
                        "e.g. git:v1.0.1:migrations (the tag, then the directory from the "
                        "repository's top)");
    release.name = ref;
    release.graph = core::load_revisions(read_git_tree(spec, ref, path, repository_dir));
    return release;
  }
  std::error_code error;
  if (!stdfs::is_directory(spec, error))
    throw usage_error(fmt::format("release '{}' is not a directory", spec),
                      "give that release's migrations directory (a checkout of it), or "
                      "git:REF:PATH to read it from git");
  release.name = directory_name(spec);
  release.graph = core::load_revisions(read_migrations(spec));
  return release;
}

}  // namespace migrate::fs
