// The error for a state schema migrate may not create names the role, what
// it lacks, and the GRANT.
#include "engine/state_layout.hpp"

#include <catch2/catch.hpp>

using migrate::engine::DatabaseError;
using migrate::engine::state_permission_error;

TEST_CASE("state_permission_error: CREATE missing on the database") {
  DatabaseError denied("permission denied for database app_prod", "42501", 0);
  auto error = state_permission_error(denied, "migrate", "app");
  CHECK(error.code() == migrate::ExitCode::runtime);
  CHECK(std::string(error.what()) ==
        "cannot create migrate's state schema \"migrate\": role app lacks CREATE on database "
        "app_prod (permission denied for database app_prod)");
  CHECK(error.hint() ==
        "as the database's owner or a superuser, run `GRANT CREATE ON DATABASE app_prod TO app;` "
        "(or create the schema for it once: `CREATE SCHEMA migrate AUTHORIZATION app;`), then run "
        "the command again");
}

TEST_CASE("state_permission_error: CREATE missing on an existing schema") {
  DatabaseError denied("permission denied for schema migrate", "42501", 0);
  auto error = state_permission_error(denied, "migrate", "");
  CHECK(std::string(error.what()) ==
        "cannot create migrate's state in schema \"migrate\": the role migrate connects as lacks "
        "CREATE on schema migrate (permission denied for schema migrate)");
  CHECK(error.hint() ==
        "as the schema's owner or a superuser, run `GRANT USAGE, CREATE ON SCHEMA migrate TO "
        "<role>;`, then run the command again");
}
