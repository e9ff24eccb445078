// The advisory lock key of a state schema (docs/locks.md): class 'migr' and
// the FNV-1a hash of the schema name as a signed 32-bit integer.
#include "engine/migration_lock.hpp"

#include "support/test_helpers.hpp"

using migrate::engine::k_lock_class;
using migrate::engine::lock_key_for;

TEST_CASE("k_lock_class: 'migr' in ASCII") {
  CHECK(k_lock_class == ('m' << 24 | 'i' << 16 | 'g' << 8 | 'r'));
  CHECK(k_lock_class == 1835624306);
}

TEST_CASE("lock_key_for: FNV-1a 32-bit of the schema name, as a signed integer") {
  // Reference values of FNV-1a 32 (0x811c9dc5, 0xe40c292c, 0xbf9cf968), signed.
  CHECK(lock_key_for("") == -2128831035);
  CHECK(lock_key_for("a") == -468965076);
  CHECK(lock_key_for("foobar") == -1080231576);
  CHECK(lock_key_for("migrate") == -389158786);
}

TEST_CASE("lock_key_for: different schemas get different keys, the same schema the same key") {
  CHECK(lock_key_for("migrate") == lock_key_for("migrate"));
  CHECK(lock_key_for("migrate") != lock_key_for("migrate_test"));
  CHECK(lock_key_for("Migrate") != lock_key_for("migrate"));
}
