// Shared by the tests of YAML operations: revisions built from an operations
// list (the first operation on line 3), and their steps as readable lines.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision_script.hpp"
#include "support/test_helpers.hpp"

namespace migrate::test {

// A YAML revision "r.yaml" with id 8fb4c8: line 1 the id, line 2 `operations:`,
// `operations` from line 3 on.
inline std::string yaml_operations(const std::string& operations) {
  return "revision: 8fb4c8\noperations:\n" + operations;
}

inline core::Revision revision_of(const std::string& operations) {
  Parsed parsed = parse("r.yaml", yaml_operations(operations));
  INFO(operations);
  REQUIRE(parsed.problems == std::vector<std::string>{});
  REQUIRE(parsed.revision);
  return *parsed.revision;
}

inline std::vector<std::string> problems_of(const std::string& operations) {
  Parsed parsed = parse("r.yaml", yaml_operations(operations));
  CHECK_FALSE(parsed.revision);
  return parsed.problems;
}

// One line per step: "line description" plus " [alone]" for a step outside
// any transaction and " [backfill]" for a backfill.
inline std::vector<std::string> outline(const std::vector<core::Step>& steps) {
  std::vector<std::string> lines;
  for (const auto& step : steps) {
    std::string line = std::to_string(step.line) + " " + step.description;
    if (step.kind == core::Step::Kind::backfill)
      line += " [backfill]";
    else if (!step.transactional)
      line += " [alone]";
    if (step.precheck) line += " [precheck]";
    lines.push_back(line);
  }
  return lines;
}

inline std::vector<std::string> outline(const std::string& operations, core::Phase phase) {
  return outline(core::steps_for(revision_of(operations), phase));
}

// The SQL of every statement step, in order.
inline std::vector<std::string> sql_of(const std::string& operations, core::Phase phase) {
  std::vector<std::string> sql;
  for (const auto& step : core::steps_for(revision_of(operations), phase))
    if (step.kind == core::Step::Kind::statement) sql.push_back(step.sql);
  return sql;
}

}  // namespace migrate::test
