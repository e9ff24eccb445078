#include "pg/blocker_watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "core/number.hpp"
#include "pg/pg_database.hpp"

namespace migrate::pg {

using std::chrono::milliseconds;

// How long a batch runs before the watch first looks, and then how often: a
// quarter of lock_timeout, between 5 and 50 ms. Most batches finish before the
// first look, and then no second connection is ever opened.
static constexpr milliseconds k_shortest{5};
static constexpr milliseconds k_longest{50};

struct BlockerWatch::Connection {
  explicit Connection(const std::string& connection_string) : handle(connection_string) {}
  pqxx::connection handle;
};

engine::Session session_from(const std::vector<std::optional<std::string>>& row, size_t first) {
  auto text = [&](size_t i) { return row[first + i].value_or(""); };
  engine::Session session;
  session.pid = static_cast<int>(core::parse_integer(text(0), "pg_stat_activity pid"));
  session.application_name = text(1);
  session.user = text(2);
  session.client = text(3);
  session.state = text(4);
  session.backend_start = text(5);
  session.state_since = text(6);
  try {
    session.seconds_in_state = text(7).empty() ? 0 : std::stod(text(7));
  } catch (const std::exception&) {
    session.seconds_in_state = 0;
  }
  session.query = text(8);
  return session;
}

BlockerWatch::BlockerWatch(std::string connection_string, std::string application_name)
    : m_connection_string(std::move(connection_string)),
      m_application_name(std::move(application_name)) {}

BlockerWatch::~BlockerWatch() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void BlockerWatch::set_policy(const engine::BlockerPolicy& policy) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_policy = policy;
  m_interval = std::clamp<milliseconds>(policy.lock_timeout / 4, k_shortest, k_longest);
}

std::chrono::milliseconds BlockerWatch::first_look() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_interval;
}

void BlockerWatch::begin(int pid, std::chrono::steady_clock::time_point since) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pid = pid;
    m_since = since;
    m_blockers.clear();
    if (!m_thread.joinable()) m_thread = std::thread([this] { loop(); });
  }
  m_wake.notify_all();
}

void BlockerWatch::end() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_pid = 0;
  m_wake.wait(lock, [&] { return !m_polling; });
}

std::vector<engine::Session> BlockerWatch::take_blockers() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return std::move(m_blockers);
}

std::vector<engine::Session> BlockerWatch::take_terminated() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return std::move(m_terminated);
}

void BlockerWatch::loop() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    if (m_pid == 0) {
      m_wake.wait(lock, [&] { return m_stop || m_pid != 0; });
      continue;
    }
    auto due = m_since + m_interval;
    if (std::chrono::steady_clock::now() < due) {
      m_wake.wait_until(lock, due);
      continue;
    }
    int pid = m_pid;
    engine::BlockerPolicy policy = m_policy;
    m_polling = true;
    lock.unlock();
    poll(pid, policy);
    lock.lock();
    m_polling = false;
    m_wake.notify_all();
    m_wake.wait_for(lock, m_interval, [&] { return m_stop || m_pid != pid; });
  }
}

void BlockerWatch::poll(int pid, const engine::BlockerPolicy& policy) {
  std::vector<engine::Session> found, ended;
  try {
    if (!m_connection) {
      m_connection = std::make_unique<Connection>(m_connection_string);
      pqxx::nontransaction setup(m_connection->handle);
      setup.exec("SET application_name = " + setup.quote(m_application_name + " (watch)"));
    }
    pqxx::nontransaction work(m_connection->handle);
    auto rows = work.exec(
        fmt::format("SELECT {} FROM pg_stat_activity a WHERE a.pid = ANY(pg_blocking_pids({}))",
                    session_columns(), pid));
    for (const auto& row : rows) {
      std::vector<std::optional<std::string>> values;
      for (const auto& field : row)
        values.push_back(field.is_null() ? std::nullopt : std::optional(field.as<std::string>()));
      engine::Session session = session_from(values);
      found.push_back(session);
      if (policy.should_terminate(session)) {
        auto result =
            work.exec(fmt::format("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                  "pid = {} AND state = 'idle in transaction'",
                                  session.pid));
        if (!result.empty() && result[0][0].as<bool>()) ended.push_back(session);
      }
    }
  } catch (const std::exception&) {
    // Watching is best effort: the batch itself reports its own failure.
    m_connection.reset();
    return;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!found.empty()) m_blockers = std::move(found);
  m_terminated.insert(m_terminated.end(), ended.begin(), ended.end());
}

}  // namespace migrate::pg
