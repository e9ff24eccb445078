// The SQL revision format: `-- migrate:<key> <value>` header lines, then
// `-- migrate:up`, optional `-- migrate:contract` and `-- migrate:down` sections.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "core/duration.hpp"
#include "core/revisions/revision_parser.hpp"
#include "core/sql/sql_text.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

const std::string k_marker = "-- migrate:";
const std::vector<std::string> k_header_keys = {"revision", "parents", "message", "transaction",
                                                "statement-timeout"};
const std::vector<std::string> k_sections = {"up", "contract", "down"};

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool is_known(const std::vector<std::string>& list, const std::string& word) {
  for (const auto& item : list)
    if (item == word) return true;
  return false;
}

}  // namespace

std::optional<Revision> parse_sql_revision(const SourceFile& file,
                                           std::vector<FileProblem>& problems) {
  size_t problems_before = problems.size();
  auto problem = [&](int line, std::string message) {
    problems.push_back({file.path, line, std::move(message)});
  };
  auto check_duration = [&](const std::string& value, const char* key, int line) {
    try {
      parse_duration(value, key);
    } catch (const Error& error) {
      problem(line, error.what());
    }
  };

  // Sections are 32-bit ranges of the file (far more than any file holds).
  if (file.content.size() > UINT32_MAX) {
    problem(0, "the file is larger than 4 GiB");
    return std::nullopt;
  }
  Revision revision;
  revision.path = file.path;
  revision.format = RevisionFormat::sql;

  std::map<std::string, int> seen_keys;
  SqlSection* section = nullptr;  // its text runs until the next section's marker
  std::string section_name;
  int line_number = 0;
  size_t pos = 0;
  const std::string& text = file.content;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    // Views into the file: a section is a range of it, nothing is copied.
    std::string_view raw(text.data() + pos, end - pos);
    ++line_number;
    std::string_view line = trim(raw);

    if (line.compare(0, k_marker.size(), k_marker) == 0) {
      std::string_view rest = line.substr(k_marker.size());
      size_t space = rest.find_first_of(" \t");
      std::string key(rest.substr(0, space));
      std::string value(space == std::string_view::npos ? std::string_view()
                                                        : trim(rest.substr(space)));
      if (key == "lint-ignore") {
        // Read by lint; a comment to everything else, so kept where it stands
        // (in the section's text).
      } else if (is_known(k_sections, key)) {
        if (!value.empty())
          problem(line_number, fmt::format("unexpected text after '-- migrate:{}'", key));
        SqlSection* target = key == "up"         ? &revision.up
                             : key == "contract" ? &revision.contract
                                                 : &revision.down;
        if (target->present) problem(line_number, fmt::format("section '{}' appears twice", key));
        if (section) section->size = static_cast<uint32_t>(pos - section->begin);
        target->present = true;
        target->first_line = line_number + 1;
        target->begin = static_cast<uint32_t>(std::min(end + 1, text.size()));
        target->size = 0;
        section = target;
        section_name = key;
      } else if (is_known(k_header_keys, key)) {
        if (section) {
          problem(line_number,
                  fmt::format("header '-- migrate:{}' must come before '-- migrate:up'", key));
        } else if (seen_keys.count(key)) {
          problem(line_number,
                  fmt::format("header '{}' appears twice (first on line {})", key, seen_keys[key]));
        } else {
          seen_keys[key] = line_number;
          if (key == "revision") {
            if (value.empty() || value.find_first_of(" \t,") != std::string::npos)
              problem(line_number,
                      "revision id must be one word, e.g. '-- migrate:revision 8fb4c8c111aa'");
            revision.id = value;
            revision.id_line = line_number;
          } else if (key == "parents") {
            revision.parents = split_ids(value);
            revision.parents_line = line_number;
          } else if (key == "message") {
            revision.message = value;
          } else if (key == "transaction") {
            if (value == "on" || value == "true")
              revision.transactional = true;
            else if (value == "off" || value == "false")
              revision.transactional = false;
            else
              problem(line_number,
                      fmt::format("transaction must be 'on' or 'off', not '{}'", value));
          } else if (key == "statement-timeout") {
            revision.statement_timeout = value;
            check_duration(value, "statement-timeout", line_number);
          }
        }
      } else {
        std::vector<std::string> all = k_header_keys;
        all.insert(all.end(), k_sections.begin(), k_sections.end());
        all.push_back("lint-ignore");
        problem(line_number,
                fmt::format("unknown header '-- migrate:{}'{}", key, did_you_mean(key, all)));
      }
    } else if (!section && !line.empty() && line.compare(0, 2, "--") != 0) {
      problem(line_number, "SQL before '-- migrate:up' (every statement belongs to a section)");
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (section) section->size = static_cast<uint32_t>(text.size() - section->begin);

  if (!seen_keys.count("revision"))
    problem(1, "no revision id (add a line '-- migrate:revision <id>')");
  if (!revision.up.present) problem(1, "no '-- migrate:up' section");
  // Sections are split (not parsed) once loaded: check_revision_text.
  for (SqlSection* part : {&revision.up, &revision.contract, &revision.down})
    if (is_blank_sql(std::string_view(text).substr(part->begin, part->size))) part->size = 0;
  if (revision.up.present && revision.up.size == 0 && !revision.is_merge())
    revision.draft_line = revision.up.first_line - 1;
  if (problems.size() != problems_before) return std::nullopt;
  return revision;
}

}  // namespace migrate::core
