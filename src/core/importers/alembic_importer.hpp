// Alembic: the revision graph read from `versions/*.py` (revision,
// down_revision, the docstring's first line), and each revision's SQL cut out
// of what Alembic's own offline mode prints (`alembic upgrade heads --sql`).
#pragma once

#include "core/importers/imported_history.hpp"

namespace migrate::core {

// The graph, without SQL. Refuses a revision whose upgrade or downgrade reads
// from the database (get_bind, a Session): offline mode cannot show what it does.
ImportedHistory alembic_graph(const std::vector<SourceFile>& files);

// Fills each revision's up (and down) from Alembic's offline output, split at
// its `-- Running upgrade A -> B` comments, without Alembic's own bookkeeping
// (the alembic_version table, BEGIN and COMMIT). `downgrade_sql` may be "".
void fill_alembic_sql(ImportedHistory& history, const std::string& upgrade_sql,
                      const std::string& downgrade_sql);

}  // namespace migrate::core
