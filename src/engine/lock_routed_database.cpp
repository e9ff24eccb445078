#include "engine/lock_routed_database.hpp"

#include <fmt/format.h>

namespace migrate::engine {

LockRoutedDatabase::LockRoutedDatabase(std::unique_ptr<Database> main,
                                       std::unique_ptr<Database> lock)
    : m_main(std::move(main)), m_lock(std::move(lock)) {
  // Both answer with the database's oid and the server's start time: through a
  // pooler the main connection still reaches the server itself.
  const ConnectionRoute main_route = m_main->route();
  const ConnectionRoute lock_route = m_lock->route();
  if (main_route.server != lock_route.server)
    throw Error(ExitCode::runtime,
                fmt::format("--lock-url reaches {}, but the database URL reaches {}: the lock "
                            "would not guard this database",
                            lock_route.server, main_route.server),
                "name a direct connection to the same database with --lock-url (the same "
                "server and database name, without the pooler in between)");
  m_main_direct = main_route.direct();
}

LockAttempt LockRoutedDatabase::try_lock() {
  LockAttempt attempt = m_lock->try_lock();
  if (attempt.taken) m_main->forget_state();
  return attempt;
}

void LockRoutedDatabase::run(const Batch& batch) {
  // A DatabaseError, so that the run records that this step took no effect
  // and the next run (with a direct URL) runs it.
  if (!batch.transactional && !m_main_direct)
    throw DatabaseError(
        "a step outside a transaction (transaction off, a concurrent index build) cannot run "
        "through a proxy: its lock_timeout and statement_timeout, set for the session, could land "
        "on another server connection than the statement and stay there for the application; it "
        "was not sent",
        DatabaseError::k_feature_not_supported, static_cast<int>(batch.statements.size()) - 1, {},
        {},
        "run this revision with a direct --database-url (it may be the same URL as --lock-url)");
  m_main->run(batch);
}

}  // namespace migrate::engine
