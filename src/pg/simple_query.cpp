#include "pg/simple_query.hpp"

#include <poll.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <pqxx/dbtransaction>
#include <pqxx/largeobject>

#include "core/sql/sql_text.hpp"

namespace migrate::pg {

namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

// The primary message; libpq's own errors (a lost connection) have only the whole text.
std::string primary_message(const PGresult* result) {
  std::string text = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (text.empty()) text = PQresultErrorMessage(result);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<engine::Row> rows_of(const PGresult* result) {
  std::vector<engine::Row> rows;
  const int columns = PQnfields(result);
  rows.reserve(static_cast<size_t>(PQntuples(result)));
  for (int row = 0; row < PQntuples(result); ++row) {
    engine::Row values;
    values.reserve(static_cast<size_t>(columns));
    for (int column = 0; column < columns; ++column)
      values.push_back(PQgetisnull(result, row, column)
                           ? std::nullopt
                           : std::optional<std::string>(PQgetvalue(result, row, column)));
    rows.push_back(std::move(values));
  }
  return rows;
}

std::string connection_message(PGconn* connection) {
  std::string text = PQerrorMessage(connection);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Error lost(PGconn* connection) {
  return Error(ExitCode::runtime,
               "lost the connection to the database: " + connection_message(connection));
}

// Sends the data of a COPY ... FROM stdin; the server answers with the
// COPY's own result next.
void send_copy(PGconn* connection, const std::string* data) {
  if (!data) {
    PQputCopyEnd(connection, "migrate has no inline data for this COPY ... FROM stdin");
    return;
  }
  constexpr size_t k_chunk = 1 << 20;
  for (size_t at = 0; at < data->size(); at += k_chunk) {
    size_t size = std::min(k_chunk, data->size() - at);
    if (PQputCopyData(connection, data->data() + at, static_cast<int>(size)) != 1)
      throw lost(connection);
  }
  if (PQputCopyEnd(connection, nullptr) != 1) throw lost(connection);
}

// libpqxx 6 hands out its PGconn only to large objects, through a
// transaction. This transaction type is never begun, so it sends nothing.
class HandleProbe final : public pqxx::dbtransaction {
 public:
  explicit HandleProbe(pqxx::connection_base& connection)
      : pqxx::internal::namedclass("handle probe"),
        pqxx::dbtransaction(connection, "READ COMMITTED") {}
  ~HandleProbe() override { End(); }

 private:
  void do_begin() override {}
  pqxx::result do_exec(const char[]) override { return {}; }
  void do_commit() override {}
  void do_abort() override {}
};

struct HandleGate : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& transaction) { return raw_connection(transaction); }
};

// Waits until PQgetResult would not block. Calls the query's on_slow once
// when `deadline` passes first.
void wait_for_result(PGconn* connection, const SimpleQuery& query, bool& slow,
                     std::chrono::steady_clock::time_point deadline) {
  while (PQisBusy(connection)) {
    int timeout = -1;
    if (!slow) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        slow = true;
        query.on_slow();
        continue;
      }
      timeout = static_cast<int>(left.count()) + 1;
    }
    pollfd socket{PQsocket(connection), POLLIN, 0};
    int ready = ::poll(&socket, 1, timeout);
    if (ready < 0 && errno != EINTR) return;  // PQgetResult reports the failure
    if (ready > 0 && PQconsumeInput(connection) != 1) return;
  }
}

}  // namespace

void read_row(const PGresult* result, int row, engine::Row& into) {
  const int columns = PQnfields(result);
  into.resize(static_cast<size_t>(columns));
  for (int column = 0; column < columns; ++column) {
    auto& value = into[static_cast<size_t>(column)];
    if (PQgetisnull(result, row, column)) {
      value.reset();
      continue;
    }
    if (!value) value.emplace();
    value->assign(PQgetvalue(result, row, column),
                  static_cast<size_t>(PQgetlength(result, row, column)));
  }
}

PGconn* raw_handle(pqxx::connection_base& connection) {
  HandleProbe probe(connection);
  return HandleGate::of(probe);
}

namespace {

// The rows of statement `keep` (-1: of every statement).
std::vector<std::vector<engine::Row>> run(PGconn* connection, const SimpleQuery& query, int keep) {
  // A comment-only piece yields no result; leave it out so that results and
  // statements stay one to one.
  std::string sql;
  std::vector<size_t> sent;
  for (size_t i = 0; i < query.statements.size(); ++i) {
    if (core::is_blank_sql(query.statements[i])) continue;
    sql += query.statements[i];
    sql += ";\n";
    sent.push_back(i);
  }
  std::vector<std::vector<engine::Row>> rows(query.statements.size());
  if (sent.empty()) return rows;
  const auto deadline = std::chrono::steady_clock::now() + query.slow_after;
  bool slow = !query.on_slow;
  if (PQsendQuery(connection, sql.c_str()) != 1) throw lost(connection);
  // One result per statement until the first error; the server skips the rest.
  size_t done = 0;
  std::optional<engine::DatabaseError> failure;
  for (;;) {
    if (!slow) wait_for_result(connection, query, slow, deadline);
    Result result{PQgetResult(connection), PQclear};
    if (!result) break;
    const size_t statement = sent[std::min(done, sent.size() - 1)];
    switch (PQresultStatus(result.get())) {
      case PGRES_COPY_IN: {
        auto data = query.copy_data.find(statement);
        send_copy(connection, data == query.copy_data.end() ? nullptr : &data->second);
        continue;  // the COPY's own result follows
      }
      case PGRES_COPY_OUT: {
        char* buffer = nullptr;
        while (PQgetCopyData(connection, &buffer, 0) > 0) PQfreemem(buffer);
        continue;
      }
      case PGRES_FATAL_ERROR:
        if (!failure)
          failure.emplace(primary_message(result.get()), field(result.get(), PG_DIAG_SQLSTATE),
                          static_cast<int>(statement), "",
                          field(result.get(), PG_DIAG_MESSAGE_DETAIL),
                          field(result.get(), PG_DIAG_MESSAGE_HINT));
        break;
      case PGRES_TUPLES_OK:
        if (auto reader = query.read_rows.find(statement); reader != query.read_rows.end())
          reader->second(result.get());
        else if (keep < 0 || static_cast<int>(statement) == keep)
          rows[statement] = rows_of(result.get());
        break;
      default:
        break;
    }
    ++done;
  }
  if (failure) {
    if (failure->sqlstate().empty() && PQstatus(connection) == CONNECTION_BAD)
      throw lost(connection);
    throw *failure;
  }
  if (PQstatus(connection) == CONNECTION_BAD) throw lost(connection);
  return rows;
}

}  // namespace

std::vector<engine::Row> run_simple_query(PGconn* connection, const SimpleQuery& query) {
  if (query.result_of < 0 || static_cast<size_t>(query.result_of) >= query.statements.size()) {
    run(connection, query, static_cast<int>(query.statements.size()));
    return {};
  }
  return std::move(run(connection, query, query.result_of)[static_cast<size_t>(query.result_of)]);
}

std::vector<std::vector<engine::Row>> run_simple_query_all(PGconn* connection,
                                                           const SimpleQuery& query) {
  return run(connection, query, -1);
}

}  // namespace migrate::pg
