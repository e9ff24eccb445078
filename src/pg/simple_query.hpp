// Several statements sent as one simple query (one round trip) over libpq,
// feeding COPY ... FROM stdin its data. The failing statement is found by
// counting the results before the error, so nothing ever runs twice.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <map>
#include <pqxx/connection_base>
#include <string>
#include <vector>

#include "engine/database.hpp"
#include "engine/state_sql.hpp"

namespace migrate::pg {

struct SimpleQuery {
  std::vector<std::string> statements;      // each one statement, without `;`
  std::map<size_t, std::string> copy_data;  // by index in `statements`
  int result_of = -1;                       // whose rows to return (-1: none)
  // Statements whose rows the caller reads itself, while the result is alive
  // (read_row), instead of receiving them copied out as engine::Rows.
  std::map<size_t, std::function<void(const PGresult*)>> read_rows;
  // Called once, from this thread, when the server has not answered every
  // statement `slow_after` after the query was sent (e.g. to start watching
  // for blockers); never for a query answered sooner.
  std::function<void()> on_slow;
  std::chrono::milliseconds slow_after{0};
};

// Runs `query` and returns the rows of statement `query.result_of`. Throws
// engine::DatabaseError (message, SQLSTATE, DETAIL, HINT, and the index of the
// statement the server failed on) when a statement fails, Error(runtime) when
// the connection is lost.
std::vector<engine::Row> run_simple_query(PGconn* connection, const SimpleQuery& query);
// The same, returning the rows of every statement (empty for those without rows).
std::vector<std::vector<engine::Row>> run_simple_query_all(PGconn* connection,
                                                           const SimpleQuery& query);

// Puts row `row` of `result` into `into`, reusing its strings' storage.
void read_row(const PGresult* result, int row, engine::Row& into);

// The libpq connection under a libpqxx one: the same session, so its advisory
// lock and settings hold.
PGconn* raw_handle(pqxx::connection_base& connection);

}  // namespace migrate::pg
