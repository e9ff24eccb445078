// `pg_dump --schema-only` output made deterministic for a schema file kept
// in version control (as dbmate's schema.sql): the lines that change from
// one dump to the next without the schema changing are dropped.
#pragma once

#include <string>

namespace migrate::core {

// Drops pg_dump's version comments ("-- Dumped from/by ..."), its session
// settings (`SET ...;`, `SELECT pg_catalog.set_config(...)`), the random
// `\restrict`/`\unrestrict` keys of recent pg_dump releases, and folds runs
// of blank lines into one. Only lines at the top level are dropped: a line of
// a function body ($$ ... $$) or of a string literal is the schema's own.
std::string clean_schema_dump(const std::string& dump);

}  // namespace migrate::core
