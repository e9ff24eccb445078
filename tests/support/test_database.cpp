#include "support/test_database.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <stdexcept>

namespace migrate::testing {
namespace {

const char k_not_set_up[] =
    "integration tests need the private cluster: run them through ctest / make test";

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set; " + k_not_set_up);
  }
  return value;
}

// Undoes scripts/pg_cluster.sh's quoting: 'value', with ' written as '\''.
std::string unquote(const std::string& raw) {
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    return raw.substr(1, raw.size() - 2);
  }
  if (raw.size() < 2 || raw.front() != '\'' || raw.back() != '\'') return raw;
  std::string inner = raw.substr(1, raw.size() - 2);
  std::string out;
  const std::string escaped_quote = "'\\''";
  for (std::size_t i = 0; i < inner.size();) {
    if (inner.compare(i, escaped_quote.size(), escaped_quote) == 0) {
      out += '\'';
      i += escaped_quote.size();
    } else {
      out += inner[i++];
    }
  }
  return out;
}

// The KEY=VALUE lines of the file named by MIGRATE_TEST_PGENV, read once.
const std::map<std::string, std::string>& cluster_env() {
  static const std::map<std::string, std::string> values = [] {
    const std::string path = required_env("MIGRATE_TEST_PGENV");
    std::ifstream in(path);
    if (!in) {
      throw std::runtime_error("cannot read " + path + " (MIGRATE_TEST_PGENV); " + k_not_set_up);
    }
    std::map<std::string, std::string> parsed;
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("export ", 0) == 0) line.erase(0, 7);
      const auto eq = line.find('=');
      if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
      parsed[line.substr(0, eq)] = unquote(line.substr(eq + 1));
    }
    return parsed;
  }();
  return values;
}

std::string cluster_value(const std::string& key) {
  const auto& env = cluster_env();
  const auto it = env.find(key);
  if (it == env.end() || it->second.empty()) {
    throw std::runtime_error(key + " missing from " + required_env("MIGRATE_TEST_PGENV") + "; " +
                             k_not_set_up);
  }
  return it->second;
}

std::string url_encode(const std::string& value) {
  static const char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

std::string database_url(const std::string& database) {
  return "postgresql:///" + url_encode(database) + "?host=" + url_encode(cluster_value("PGHOST")) +
         "&port=" + url_encode(cluster_value("PGPORT")) +
         "&user=" + url_encode(cluster_value("PGUSER"));
}

std::string random_database_name() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device() ^
                            static_cast<std::uint64_t>(::getpid()));
  std::uniform_int_distribution<std::uint64_t> distribution;
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx",
                static_cast<unsigned long long>(distribution(generator)));
  return std::string("t_") + buffer;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::string admin_url() { return cluster_value("MIGRATE_TEST_ADMIN_URL"); }

std::string migrate_binary() { return required_env("MIGRATE_BIN"); }

std::string source_dir() { return required_env("MIGRATE_SOURCE_DIR"); }

TestDatabase::TestDatabase() : m_name(random_database_name()) {
  m_url = database_url(m_name);
  pqxx::connection admin(admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + tx.quote_name(m_name));
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(admin_url());
    pqxx::nontransaction tx(admin);
    // Sessions a test left open (or a killed migrate run) must not keep it alive.
    tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
            tx.quote(m_name) + " AND pid <> pg_backend_pid()");
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(m_name) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    // A destructor must not throw; the cluster is thrown away after the run anyway.
    std::cerr << "warning: could not drop test database " << m_name << ": " << e.what() << '\n';
  }
}

std::string TestDatabase::query_value(const std::string& sql) const {
  pqxx::connection connection(m_url);
  pqxx::nontransaction tx(connection);
  const pqxx::result result = tx.exec(sql);
  if (result.empty() || result.columns() == 0 || result[0][0].is_null()) return "";
  return result[0][0].c_str();
}

void TestDatabase::exec(const std::string& sql) const {
  pqxx::connection connection(m_url);
  pqxx::nontransaction tx(connection);
  tx.exec(sql);
}

std::string shell_quote(const std::string& value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult run_command(const std::string& command_line) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/migrate-cmd.XXXXXX";
  if (::mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error("run_command: cannot create a temporary directory in " + dir_template);
  }
  const std::string out_path = dir_template + "/out";
  const std::string err_path = dir_template + "/err";

  // The newline lets the command end in a comment; the subshell keeps its
  // own redirections (e.g. a pipe into stdin) working.
  const std::string shell_line = "( " + command_line + "\n) >" + shell_quote(out_path) + " 2>" +
                                 shell_quote(err_path) + " </dev/null";
  std::cout.flush();
  std::cerr.flush();
  const int status = std::system(shell_line.c_str());

  CommandResult result{0, read_file(out_path), read_file(err_path)};
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  ::rmdir(dir_template.c_str());

  if (status == -1) {
    throw std::runtime_error("run_command: cannot start /bin/sh for: " + command_line);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  } else {
    result.exit_code = -1;
  }
  return result;
}

}  // namespace migrate::testing
