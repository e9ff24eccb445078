#include "fs/pg_dump.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/connection_string.hpp"
#include "core/error.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::fs {

namespace {

// A keyword/value connection string's value, quoted as libpq reads it.
std::string quoted(const char* value) {
  std::string text = "'";
  for (const char* c = value; *c; ++c) {
    if (*c == '\\' || *c == '\'') text += '\\';
    text += *c;
  }
  return text + "'";
}

}  // namespace

PgDumpConnection without_password(const std::string& connection) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(connection.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error ? error : "cannot be parsed";
    PQfreemem(error);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    throw usage_error(
        fmt::format("the connection string {}: {}", core::redact_connection_string(connection),
                    core::redact_in_message(reason, connection)),
        "check the URL (a password with reserved characters must be "
        "percent-encoded)");
  }
  PgDumpConnection result;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    if (std::string(option->keyword) == "password") {
      result.password = option->val;
      continue;
    }
    if (!result.connection.empty()) result.connection += ' ';
    result.connection += std::string(option->keyword) + "=" + quoted(option->val);
  }
  PQconninfoFree(options);
  return result;
}

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
  // No shell: the connection string is one argument, never parsed again. The
  // password goes through the child's environment: an argument is readable by
  // every user of the machine (ps, /proc/PID/cmdline).
  const PgDumpConnection target = without_password(connection);
  std::vector<std::string> args = {"pg_dump",
                                   "--schema-only",
                                   "--no-owner",
                                   "--no-privileges",
                                   "--exclude-schema=" + exclude,
                                   "--dbname=" + target.connection};
  // Built before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> variables;
  for (char** variable = environ; *variable != nullptr; ++variable)
    if (std::string_view(*variable).rfind("PGPASSWORD=", 0) != 0) variables.emplace_back(*variable);
  if (!target.password.empty()) variables.push_back("PGPASSWORD=" + target.password);
  std::vector<char*> environment;
  for (auto& variable : variables) environment.push_back(variable.data());
  environment.push_back(nullptr);
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
    ::execvpe("pg_dump", argv.data(), environment.data());
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
