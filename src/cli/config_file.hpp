// migrate.yaml: the optional configuration file in the current directory.
#pragma once

#include <string>

namespace migrate::cli {

struct FileConfig {
  std::string database_url;
  std::string dir;
  std::string schema;
};

// Reads `path`; an absent file is an empty configuration. Throws a usage
// error naming the file and line for invalid YAML or unknown keys.
FileConfig read_config_file(const std::string& path);

}  // namespace migrate::cli
