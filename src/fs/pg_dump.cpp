#include "fs/pg_dump.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/connection_string.hpp"
#include "core/error.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::fs {

std::string pg_dump_schema(const std::string& connection, const std::string& exclude) {
  if (std::system("command -v pg_dump >/dev/null 2>&1") != 0)
    throw usage_error("`migrate dump` runs pg_dump, which is not installed",
                      "install PostgreSQL's client programs (e.g. `apt-get install "
                      "postgresql-client`), of the server's major version or newer");
  char errors[] = "/tmp/migrate-pg_dump.XXXXXX";
  int error_fd = ::mkstemp(errors);
  if (error_fd < 0)
    throw Error(ExitCode::runtime, "cannot create a temporary file for pg_dump's messages");
  int out[2];
  if (::pipe(out) != 0) throw Error(ExitCode::runtime, "cannot run pg_dump: no pipe");
  // No shell: the connection string is one argument, never parsed again.
  std::vector<std::string> args = {"pg_dump",
                                   "--schema-only",
                                   "--no-owner",
                                   "--no-privileges",
                                   "--exclude-schema=" + exclude,
                                   "--dbname=" + connection};
  pid_t pid = ::fork();
  if (pid < 0) throw Error(ExitCode::runtime, "cannot run pg_dump: fork failed");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(error_fd, STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execvp("pg_dump", argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(error_fd);
  std::string output;
  char buffer[65536];
  ssize_t got;
  while ((got = ::read(out[0], buffer, sizeof buffer)) > 0)
    output.append(buffer, static_cast<size_t>(got));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string messages = read_file(errors);
  ::unlink(errors);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!messages.empty() && messages.back() == '\n') messages.pop_back();
    throw Error(ExitCode::runtime,
                fmt::format("pg_dump failed: {}", core::redact_in_message(messages, connection)),
                "pg_dump must be of the server's major version or newer; run `pg_dump "
                "--schema-only` yourself to see more");
  }
  return output;
}

}  // namespace migrate::fs
