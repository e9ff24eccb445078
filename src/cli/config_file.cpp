#include "cli/config_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/suggest.hpp"

namespace migrate::cli {

namespace {

const std::vector<std::string> k_keys = {"database_url", "dir", "schema"};

// The file's text; reading a directory as a stream fails deep inside the
// library with "basic_filebuf::underflow", so it is refused first.
std::string read_text(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw usage_error(fmt::format("{}: is a directory, not a configuration file", path),
                      "--config names a YAML file such as migrate.yaml");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error(fmt::format("{}: cannot read it: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw usage_error(fmt::format("{}: cannot read it: {}", path, std::strerror(errno)));
  return text.str();
}

}  // namespace

FileConfig read_config_file(const std::string& path, ConfigRequired required) {
  FileConfig config;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (required == ConfigRequired::no) return config;
    throw usage_error(fmt::format("{}: no such configuration file", path),
                      "check --config, or leave it out to read migrate.yaml when there is one");
  }
  YAML::Node root;
  try {
    root = YAML::Load(read_text(path));
  } catch (const YAML::Exception& e) {
    throw usage_error(fmt::format("{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return config;
  if (!root.IsMap())
    throw usage_error(fmt::format("{}: expected keys {}", path, fmt::join(k_keys, ", ")));
  for (const auto& entry : root) {
    int line = entry.first.Mark().line + 1;
    if (!entry.first.IsScalar())
      throw usage_error(fmt::format("{}:{}: a key must be one of {}, not a list or a mapping", path,
                                    line, fmt::join(k_keys, ", ")));
    std::string key = entry.first.Scalar();
    if (!entry.second.IsScalar() && !entry.second.IsNull())
      throw usage_error(fmt::format("{}:{}: '{}' must be text", path, line, key));
    std::string value = entry.second.IsNull() ? "" : entry.second.Scalar();
    if (key == "database_url")
      config.database_url = value;
    else if (key == "dir")
      config.dir = value;
    else if (key == "schema")
      config.schema = value;
    else
      throw usage_error(fmt::format("{}:{}: unknown key '{}'{}", path, line, key,
                                    core::did_you_mean(key, k_keys)),
                        "migrate.yaml takes database_url, dir and schema");
  }
  return config;
}

}  // namespace migrate::cli
