// The text of new files: revisions written by `new` and `resolve-branch`, and
// the commented migrate.yaml written by `init`.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision.hpp"

namespace migrate::core {

// "8fb4c8c111aa_add_first_and_last_names.sql"
std::string revision_file_name(const std::string& id, const std::string& message,
                               RevisionFormat format);
std::string sql_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                  const std::string& message);
std::string yaml_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                   const std::string& message);
// A merge revision joining `parents`; `notes` (one per line) become comments.
std::string merge_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                    const std::string& message,
                                    const std::vector<std::string>& notes);
std::string config_template(const std::string& dir);

}  // namespace migrate::core
