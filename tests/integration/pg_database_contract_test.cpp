// PgDatabase passes the Database contract against a real PostgreSQL, one fresh
// database per case; the in-memory twin passes the same clauses in the unit tests.
#include <fmt/format.h>

#include "pg/pg_database.hpp"
#include "support/database_contract.hpp"
#include "support/test_database.hpp"

namespace {

class PgFixture : public migrate::testing::ContractFixture {
 public:
  std::unique_ptr<migrate::engine::Database> session() override {
    return std::make_unique<migrate::pg::PgDatabase>(m_db.url(), "migrate contract test", m_state);
  }
  void create_table(const std::string& name, long long rows) override {
    m_db.exec(
        fmt::format("CREATE TABLE public.{0} (id bigint PRIMARY KEY, v text); "
                    "INSERT INTO public.{0} (id) SELECT generate_series(1, {1})",
                    name, rows));
  }
  void create_function(const std::string& name, bool is_volatile) override {
    m_db.exec(
        fmt::format("CREATE FUNCTION public.{}() RETURNS text LANGUAGE sql {} AS $$SELECT "
                    "'x'$$",
                    name, is_volatile ? "VOLATILE" : "STABLE"));
  }
  std::string failing_statement() override { return "SELECT 1/0"; }

 private:
  migrate::testing::TestDatabase m_db;
  migrate::engine::StateSql m_state{"migrate"};
};

}  // namespace

DATABASE_CONTRACT(PgFixture, "PgDatabase")
