// The migration lock: a session-level advisory lock taken by polling
// pg_try_advisory_lock (never blocking in pg_advisory_lock, whose snapshot would
// stall another runner's CREATE INDEX CONCURRENTLY), held for the whole command
// and released by the destructor.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "engine/clock.hpp"
#include "engine/database.hpp"
#include "engine/interruption.hpp"
#include "engine/reporter.hpp"

namespace migrate::engine {

// The advisory lock key pair: (k_lock_class, lock_key_for(schema)). The class
// is 'migr' in ASCII; the key is the FNV-1a hash of the state schema's name,
// as a signed 32-bit integer. Documented in docs/locks.md.
inline constexpr int32_t k_lock_class = 0x6d696772;
int32_t lock_key_for(const std::string& schema);

struct LockOptions {
  std::chrono::milliseconds wait{std::chrono::minutes(5)};
  std::chrono::milliseconds report_every{std::chrono::seconds(5)};
  HolderInfo holder;
};

// Polling: the first pause between tries, doubled up to the last.
inline constexpr std::chrono::milliseconds k_first_lock_poll{20};
inline constexpr std::chrono::milliseconds k_max_lock_poll{1000};

class MigrationLock {
 public:
  // Waits up to options.wait. Throws Error(lock_not_acquired) naming the
  // holder when the wait is over, and Error(runtime), before taking anything,
  // when the connection is not proven direct (a proxy such as PgBouncer).
  MigrationLock(Database& database, Reporter& reporter, Clock& clock, const LockOptions& options);
  ~MigrationLock();
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Database& m_database;
  Reporter& m_reporter;
};

}  // namespace migrate::engine
