// The in-memory twin passes the Database contract that PgDatabase passes.
#include <chrono>
#include <thread>

#include "support/database_contract.hpp"
#include "support/memory_database.hpp"

namespace {

class MemoryFixture : public migrate::testing::ContractFixture {
 public:
  MemoryFixture() { m_server.failures.push_back({"1/0", "22012", -1}); }
  std::unique_ptr<migrate::engine::Database> session() override {
    return std::make_unique<migrate::testing::MemoryDatabase>(m_server);
  }
  void create_table(const std::string& name, long long rows) override {
    m_server.tables["public." + name] = {{"id"}, rows};
  }
  void create_function(const std::string& name, bool is_volatile) override {
    if (is_volatile) m_server.volatile_functions.insert("public." + name);
  }
  std::string failing_statement() override { return "SELECT 1/0"; }

 private:
  migrate::testing::MemoryServer m_server;
};

}  // namespace

DATABASE_CONTRACT(MemoryFixture, "MemoryDatabase")
