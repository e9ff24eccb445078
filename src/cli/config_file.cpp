#include "cli/config_file.hpp"

#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/suggest.hpp"

namespace migrate::cli {

FileConfig read_config_file(const std::string& path) {
  FileConfig config;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return config;
  static const std::vector<std::string> keys = {"database_url", "dir", "schema"};
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw usage_error(fmt::format("{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw usage_error(fmt::format("{}: expected keys {}", path, fmt::join(keys, ", ")));
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    int line = entry.first.Mark().line + 1;
    if (!entry.second.IsScalar() && !entry.second.IsNull())
      throw usage_error(fmt::format("{}:{}: '{}' must be text", path, line, key));
    std::string value = entry.second.IsNull() ? "" : entry.second.Scalar();
    if (key == "database_url") config.database_url = value;
    else if (key == "dir") config.dir = value;
    else if (key == "schema") config.schema = value;
    else
      throw usage_error(fmt::format("{}:{}: unknown key '{}'{}", path, line, key, core::did_you_mean(key, keys)),
                        "migrate.yaml takes database_url, dir and schema");
  }
  return config;
}

}  // namespace migrate::cli
