// migrate.yaml: the database URL, the migrations directory and the state
// schema, read from a small YAML file in the current directory (or --config).
#pragma once

#include <string>

namespace migrate::cli {

struct FileConfig {
  std::string database_url, dir, schema;
};

// Whether the file must exist: the default migrate.yaml may be absent, a file
// named with --config may not.
enum class ConfigRequired { yes, no };

// Reads `path`. Throws Error(usage) naming the file (and line, where there is
// one) for a file that is missing when required, a directory, unreadable,
// invalid YAML, not a mapping, a key that is not text, an unknown key, or a
// value that is not text.
FileConfig read_config_file(const std::string& path, ConfigRequired required);

}  // namespace migrate::cli
