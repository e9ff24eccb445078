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

namespace pqxx {
class connection_base;
}

namespace migrate::pg {

class BlockerWatch {
 public:
  BlockerWatch(std::string connection_string, std::string application_name);
  ~BlockerWatch();

  void set_terminate_after(std::chrono::milliseconds after);
  // Starts watching `pid` (the backend about to run a batch) / stops.
  void begin(int pid);
  void end();
  std::vector<engine::Session> take_blockers();
  std::vector<engine::Session> take_terminated();

 private:
  void loop();
  void poll(int pid, std::chrono::milliseconds terminate_after);

  const std::string m_connection_string;
  const std::string m_application_name;
  std::unique_ptr<pqxx::connection_base> m_connection;  // used by the thread only
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  int m_pid = 0;
  std::chrono::steady_clock::time_point m_since;
  std::chrono::milliseconds m_terminate_after{0};
  std::vector<engine::Session> m_blockers;
  std::vector<engine::Session> m_terminated;
};

// Reads a row of session_columns() into a Session.
engine::Session session_from(const std::vector<std::optional<std::string>>& row, size_t first = 0);

}  // namespace migrate::pg
