#include "core/fleet/targets.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "core/connection_string.hpp"
#include "core/error.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

const std::vector<std::string> k_yaml_keys = {"name", "url", "schema", "group"};

std::string display_path(const std::string& path) { return path == "-" ? "stdin" : path; }

// A keyword connection string holds spaces, so a field may be quoted
// ("host=a dbname=b"); inside quotes, \" and \\ stand for themselves.
std::vector<std::string> split_fields(const std::string& line, std::string& problem) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    std::string field;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '\\' && i < line.size()) {
          field += line[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          field += c;
        }
      }
      if (!closed) {
        problem = "unterminated quote";
        return {};
      }
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') field += line[i++];
    }
    fields.push_back(field);
  }
  return fields;
}

bool looks_like_yaml(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#')
      return line.compare(first, 8, "targets:") == 0 || line.compare(first, 3, "---") == 0;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

std::vector<Target> parse_lines(const std::string& path, const std::string& text,
                                std::vector<FileProblem>& problems) {
  std::vector<Target> targets;
  int number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string problem;
    std::vector<std::string> fields = split_fields(line, problem);
    if (!problem.empty()) {
      problems.push_back({path, number, problem, "close the quoted connection string with \""});
    } else if (fields.size() > 3) {
      problems.push_back({path, number,
                          fmt::format("{} fields; a target line is URL, NAME URL or NAME URL "
                                      "SCHEMA",
                                      fields.size()),
                          "quote a keyword connection string that holds spaces: \"host=h "
                          "dbname=d\""});
    } else if (fields.size() == 1) {
      targets.push_back({"", fields[0], "", "", number});
    } else if (fields.size() >= 2) {
      targets.push_back({fields[0], fields[1], fields.size() == 3 ? fields[2] : "", "", number});
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return targets;
}

int line_of(const YAML::Node& node, int fallback) {
  return node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : fallback;
}

std::vector<Target> parse_yaml(const std::string& path, const std::string& text,
                               std::vector<FileProblem>& problems) {
  std::vector<Target> targets;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    problems.push_back(
        {path, error.mark.line >= 0 ? error.mark.line + 1 : 0, "invalid YAML: " + error.msg});
    return targets;
  }
  if (!root.IsMap() || !root["targets"] || !root["targets"].IsSequence()) {
    problems.push_back({path, line_of(root, 1), "expected `targets:` holding a list of targets",
                        "write targets: [{name: a, url: postgresql://host/a}, ...]"});
    return targets;
  }
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    if (key != "targets")
      problems.push_back({path, line_of(entry.first, 0),
                          fmt::format("unknown key '{}' at the top level", key),
                          "the file holds one key, `targets`"});
  }
  for (const auto& item : root["targets"]) {
    int line = line_of(item, 0);
    if (!item.IsMap()) {
      problems.push_back({path, line, "a target is a map with url (and name, schema, group)"});
      continue;
    }
    Target target;
    target.line = line;
    for (const auto& field : item) {
      std::string key = field.first.as<std::string>();
      if (!field.second.IsScalar()) {
        problems.push_back(
            {path, line_of(field.first, line), fmt::format("'{}' must be a string", key)});
        continue;
      }
      std::string value = field.second.as<std::string>();
      if (key == "name")
        target.name = value;
      else if (key == "url")
        target.url = value;
      else if (key == "schema")
        target.schema = value;
      else if (key == "group")
        target.group = value;
      else
        problems.push_back({path, line_of(field.first, line),
                            fmt::format("unknown key '{}'{}", key, did_you_mean(key, k_yaml_keys)),
                            "a target has url, name, schema and group"});
    }
    if (target.url.empty())
      problems.push_back({path, line, "a target without url", "add url: postgresql://host/db"});
    else
      targets.push_back(target);
  }
  return targets;
}

}  // namespace

std::string database_name_of(const std::string& url) {
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    std::string prefix = scheme;
    if (url.compare(0, prefix.size(), prefix) != 0) continue;
    size_t slash = url.find('/', prefix.size());
    if (slash == std::string::npos) return "";
    size_t end = url.find_first_of("?#", slash + 1);
    return url.substr(slash + 1, end == std::string::npos ? std::string::npos : end - slash - 1);
  }
  size_t at = url.find("dbname=");
  if (at == std::string::npos || (at > 0 && url[at - 1] != ' ')) return "";
  size_t end = url.find(' ', at);
  return url.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
}

std::vector<Target> parse_targets(const std::string& path, const std::string& text) {
  std::string shown = display_path(path);
  std::vector<FileProblem> problems;
  std::vector<Target> targets = looks_like_yaml(text) ? parse_yaml(shown, text, problems)
                                                      : parse_lines(shown, text, problems);
  std::map<std::string, int> seen;
  for (auto& target : targets) {
    if (target.name.empty()) target.name = database_name_of(target.url);
    if (target.name.empty()) {
      problems.push_back({shown, target.line,
                          fmt::format("cannot name the target {}: it names no database",
                                      redact_connection_string(target.url)),
                          "write NAME URL on the line, or name: in YAML"});
      continue;
    }
    auto [previous, inserted] = seen.emplace(target.name, target.line);
    if (!inserted)
      problems.push_back({shown, target.line,
                          fmt::format("target '{}' is named twice (first on line {})", target.name,
                                      previous->second),
                          "give each target its own name"});
  }
  if (problems.empty() && targets.empty())
    problems.push_back({shown, 0, "no targets", "write one connection string per line"});
  if (!problems.empty())
    throw InvalidFilesError(std::move(problems), "the targets file " + shown,
                            "fix the targets file");
  return targets;
}

}  // namespace migrate::core
