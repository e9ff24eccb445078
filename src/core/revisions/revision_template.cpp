#include "core/revisions/revision_template.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace migrate::core {

std::string revision_file_name(const std::string& id, const std::string& message,
                               RevisionFormat format) {
  std::string slug;
  for (char c : message) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      slug += c;
    else if (c >= 'A' && c <= 'Z')
      slug += static_cast<char>(c - 'A' + 'a');
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return fmt::format("{}{}{}.{}", id, slug.empty() ? "" : "_", slug,
                     format == RevisionFormat::yaml ? "yaml" : "sql");
}

std::string sql_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                  const std::string& message) {
  return fmt::format(
      "-- migrate:revision {}\n"
      "-- migrate:parents{}\n"
      "-- migrate:message {}\n"
      "-- migrate:transaction on\n"
      "\n"
      "-- migrate:up\n"
      "-- Statements that expand the schema; the old application version must keep working.\n"
      "\n"
      "-- migrate:contract\n"
      "-- Optional: statements for `migrate contract`, once no old application instance is left.\n"
      "\n"
      "-- migrate:down\n"
      "-- Statements that undo `up` (run by `migrate downgrade`).\n",
      id, parents.empty() ? std::string() : fmt::format(" {}", fmt::join(parents, " ")), message);
}

// A JSON string is a valid YAML double-quoted scalar, whatever it holds.
static std::string yaml_quoted(const std::string& text) { return nlohmann::json(text).dump(); }

std::string yaml_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                   const std::string& message) {
  std::string parent_list = parents.empty() ? "[]" : fmt::format("[{}]", fmt::join(parents, ", "));
  return fmt::format(
      "revision: {}\n"
      "parents: {}\n"
      "message: {}\n"
      "operations:\n"
      "  # See docs/yaml-operations.md. For example:\n"
      "  # - add_column: {{table: users, column: email, type: text}}\n"
      "  - sql:\n"
      "      up: SELECT 1\n"
      "      down: SELECT 1\n",
      id, parent_list, yaml_quoted(message));
}

std::string merge_revision_template(const std::string& id, const std::vector<std::string>& parents,
                                    const std::string& message,
                                    const std::vector<std::string>& notes) {
  std::string comments;
  for (const auto& note : notes) comments += "-- " + note + "\n";
  return fmt::format(
      "-- migrate:revision {}\n"
      "-- migrate:parents {}\n"
      "-- migrate:message {}\n"
      "\n"
      "{}"
      "-- migrate:up\n"
      "-- A merge revision joins branches and usually runs nothing.\n"
      "\n"
      "-- migrate:down\n",
      id, fmt::join(parents, " "), message, comments.empty() ? "" : comments + "\n");
}

std::string config_template(const std::string& dir) {
  return fmt::format(
      "# migrate configuration. Flags win over the environment, which wins over this file.\n"
      "#\n"
      "# The database: a libpq URI or keyword string. Prefer DATABASE_URL or libpq's own\n"
      "# PG* variables and ~/.pgpass so that no password is written here.\n"
      "# database_url: postgresql://app@localhost:5432/app\n"
      "\n"
      "# Where the revision files live.\n"
      "dir: {}\n"
      "\n"
      "# The schema that holds migrate's own state (applied revisions, lock holder, events).\n"
      "schema: migrate\n",
      dir);
}

}  // namespace migrate::core
