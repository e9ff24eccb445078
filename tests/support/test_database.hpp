// Helpers for integration tests: a fresh database per test case on the private
// cluster that the CTest fixture "pg" starts (scripts/pg_cluster.sh), and a way
// to run the built migrate binary and capture what it prints.
#pragma once

#include <string>

namespace migrate::testing {

// A fresh, empty database for one test case, dropped when it goes out of scope.
// Throws std::runtime_error when the private cluster is not there (the tests
// were not run through ctest), and pqxx errors when the server refuses.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // libpq URI of this database: postgresql:///t_xxx?host=...&port=...&user=...
  const std::string& url() const { return m_url; }
  const std::string& name() const { return m_name; }

  // Runs `sql` on this database and returns the first column of the first row
  // ("" when there is no row or the value is NULL).
  std::string query_value(const std::string& sql) const;
  // Runs `sql` (one or more statements) on this database, outside a transaction.
  void exec(const std::string& sql) const;

 private:
  std::string m_name;
  std::string m_url;
};

// libpq URI of the cluster's `postgres` database, as its superuser.
std::string admin_url();

// Path of the built migrate binary (MIGRATE_BIN, set by ctest).
std::string migrate_binary();

// Root of the source tree (MIGRATE_SOURCE_DIR, set by ctest), e.g. for fixtures.
std::string source_dir();

struct CommandResult {
  int exit_code;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Runs `command_line` with /bin/sh, stdin from /dev/null, and captures its
// stdout and stderr separately. Throws std::runtime_error if it cannot run it.
CommandResult run_command(const std::string& command_line);

// `value` quoted for /bin/sh, for building command lines from paths and URLs.
std::string shell_quote(const std::string& value);

}  // namespace migrate::testing
