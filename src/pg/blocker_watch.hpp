// Watches, from a second connection, which sessions block a backend while it
// waits for a lock, and terminates those idle in transaction for too long when
// asked to. The second connection is opened only when a batch waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/database.hpp"

namespace migrate::pg {

class BlockerWatch {
 public:
  BlockerWatch(std::string connection_string, std::string application_name);
  ~BlockerWatch();

  // Looks at a waiting batch early enough to see its blockers before the
  // policy's lock_timeout ends it; terminates the blockers the policy picks.
  void set_policy(const engine::BlockerPolicy& policy);
  // Starts watching `pid` (the backend about to run a batch) / stops; end()
  // returns once a poll under way has finished, so its findings are kept.
  // `since`: when the batch was sent (the first look is due an interval after it).
  void begin(int pid,
             std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now());
  void end();
  // How long a batch runs before the watch first looks at it.
  std::chrono::milliseconds first_look();
  std::vector<engine::Session> take_blockers();
  std::vector<engine::Session> take_terminated();

  // Watches `pid` for as long as it lives.
  class Scope {
   public:
    Scope(BlockerWatch& watch, int pid) : m_watch(watch) { m_watch.begin(pid); }
    ~Scope() { m_watch.end(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    BlockerWatch& m_watch;
  };

  // Watches `pid` only once start() is called (by a batch still running after
  // first_look()), so that a batch answered sooner costs no thread and no
  // second connection.
  class LazyScope {
   public:
    LazyScope(BlockerWatch& watch, int pid)
        : m_watch(watch), m_pid(pid), m_sent(std::chrono::steady_clock::now()) {}
    ~LazyScope() {
      if (m_started) m_watch.end();
    }
    LazyScope(const LazyScope&) = delete;
    LazyScope& operator=(const LazyScope&) = delete;
    void start() {
      if (m_started) return;
      m_started = true;
      m_watch.begin(m_pid, m_sent);
    }

   private:
    BlockerWatch& m_watch;
    int m_pid;
    std::chrono::steady_clock::time_point m_sent;
    bool m_started = false;
  };

 private:
  void loop();
  void poll(int pid, const engine::BlockerPolicy& policy);

  const std::string m_connection_string;
  const std::string m_application_name;
  // Holds the concrete pqxx::connection: libpqxx 6.4's connection_base has no
  // virtual destructor, so deleting through it leaks and is undefined behaviour.
  struct Connection;
  std::unique_ptr<Connection> m_connection;  // used by the thread only
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_polling = false;  // a poll is under way; end() waits for it
  int m_pid = 0;
  std::chrono::steady_clock::time_point m_since;
  engine::BlockerPolicy m_policy;
  std::chrono::milliseconds m_interval{50};
  std::vector<engine::Session> m_blockers;
  std::vector<engine::Session> m_terminated;
};

// Reads a row of session_columns() into a Session.
engine::Session session_from(const std::vector<std::optional<std::string>>& row, size_t first = 0);

}  // namespace migrate::pg
