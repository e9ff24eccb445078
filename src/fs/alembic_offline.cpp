#include "fs/alembic_offline.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::fs {

namespace {

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string alembic_offline_sql(const std::string& dir, const std::string& command,
                                const std::string& range) {
  if (std::system("command -v alembic >/dev/null 2>&1") != 0)
    throw usage_error(
        "importing from Alembic needs Alembic itself, which is not installed",
        "install it (`apt-get install alembic` or `pip install alembic`), with your env.py's "
        "dependencies; migrate reads each revision's SQL from `alembic upgrade --sql`");
  if (!std::filesystem::exists(std::filesystem::path(dir) / "alembic.ini"))
    throw usage_error(fmt::format("{} holds no alembic.ini", dir),
                      "give the directory you run `alembic` in");
  char errors[] = "/tmp/migrate-alembic.XXXXXX";
  int fd = ::mkstemp(errors);
  if (fd < 0)
    throw Error(ExitCode::runtime, "cannot create a temporary file for Alembic's messages");
  ::close(fd);
  std::string line = fmt::format("cd {} && alembic {} {} --sql 2>{}", shell_quoted(dir), command,
                                 shell_quoted(range), shell_quoted(errors));
  FILE* pipe = ::popen(line.c_str(), "r");
  if (!pipe) throw Error(ExitCode::runtime, "cannot run alembic");
  std::string output;
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  int status = ::pclose(pipe);
  std::string messages = read_file(errors);
  ::unlink(errors);
  if (status != 0) {
    while (!messages.empty() && messages.back() == '\n') messages.pop_back();
    size_t last = messages.rfind('\n');
    throw Error(ExitCode::runtime,
                fmt::format("`alembic {} {} --sql` failed in {}: {}", command, range, dir,
                            last == std::string::npos ? messages : messages.substr(last + 1)),
                "run it yourself to see Alembic's whole message; offline mode needs env.py to "
                "support --sql");
  }
  return output;
}

}  // namespace migrate::fs
