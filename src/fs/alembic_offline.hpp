// Alembic's own offline mode (`alembic upgrade heads --sql`), run in the
// directory that holds alembic.ini, for `migrate import --from alembic`.
#pragma once

#include <string>

namespace migrate::fs {

// The SQL Alembic prints for `alembic <command> <range> --sql` run in `dir`.
// Throws Error(usage) when Alembic is not installed or alembic.ini is
// missing, Error(runtime) with Alembic's own message when it fails.
std::string alembic_offline_sql(const std::string& dir, const std::string& command,
                                const std::string& range);

}  // namespace migrate::fs
