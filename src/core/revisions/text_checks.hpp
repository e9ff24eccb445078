// Checks of a revision file's text that every command needs before anything
// runs: its bytes (UTF-8, no NUL), and the SQL of its sections as psql would
// run it (statements split, no psql meta-commands, no transaction control
// inside a transactional revision).
#pragma once

#include <vector>

#include "core/error.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

// Problems with the bytes of `file`: text that is not UTF-8, a NUL byte.
// Each names its line and what to do.
std::vector<FileProblem> check_bytes(const SourceFile& file);

// Problems in the SQL sections of `revision` (SQL format) and its id and
// message (any format), appended to `problems`. Splitting is not parsing: a
// statement in a newer PostgreSQL's syntax passes here.
void check_revision_text(const Revision& revision, std::vector<FileProblem>& problems);

}  // namespace migrate::core
