// The databases of a fleet run (`--targets FILE`), parsed from the file's text:
// one target per line (`URL`, `NAME URL` or `NAME URL SCHEMA`), or YAML
// (`targets: [{name, url, schema, group}]`). No disk: the caller reads the file.
#pragma once

#include <string>
#include <vector>

namespace migrate::core {

struct Target {
  std::string name;    // unique in the file; from the database name when not given
  std::string url;     // a libpq URI or keyword string (may hold a password)
  std::string schema;  // migrate's state schema for this target; "" for the run's --schema
  std::string group;   // free text for people and JSON (region, tier); "" when not given
  int line = 0;        // where the target was written
};

// Parses a targets file. `path` names it in errors ("-" reads as "stdin").
// Throws InvalidFilesError (exit 2) listing every problem as path:line:
// message: a line with more than three fields, an unterminated quote, a
// duplicate name, a YAML entry without url or with an unknown key, no
// target at all.
std::vector<Target> parse_targets(const std::string& path, const std::string& text);

// The database a connection string names (the URI path, or dbname=), or "".
std::string database_name_of(const std::string& url);

}  // namespace migrate::core
