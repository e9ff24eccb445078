// Shared fixtures of the unit tests: revision files and graphs built inline
// from strings (no disk, no database), and readers for errors and plans.
#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/applied_revision.hpp"
#include "core/revisions/checksum.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_loader.hpp"
#include "core/revisions/revision_parser.hpp"

namespace migrate::test {

// The text of a valid SQL revision file.
inline std::string sql_text(const std::string& id, const std::string& parents = {},
                            const std::string& up = "SELECT 1;") {
  std::string text = "-- migrate:revision " + id + "\n";
  if (!parents.empty()) text += "-- migrate:parents " + parents + "\n";
  text += "-- migrate:message add " + id + "\n\n-- migrate:up\n" + up + "\n";
  return text;
}

// A valid SQL revision file named "<id>.sql".
inline core::SourceFile sql_file(const std::string& id, const std::string& parents = {},
                                 const std::string& up = "SELECT 1;") {
  return {id + ".sql", sql_text(id, parents, up)};
}

// A graph of SQL revisions from (id, parents) pairs.
inline core::RevisionGraph graph_of(
    const std::vector<std::pair<std::string, std::string>>& revisions) {
  std::vector<core::SourceFile> files;
  for (const auto& [id, parents] : revisions) files.push_back(sql_file(id, parents));
  return core::load_revisions(files);
}

// What parse_revision made of one file: the revision, or the problems as
// "file:line: message".
struct Parsed {
  std::optional<core::Revision> revision;
  std::vector<std::string> problems;
};

inline Parsed parse(const std::string& path, const std::string& content) {
  std::vector<FileProblem> problems;
  Parsed parsed;
  parsed.revision = core::parse_revision({path, content}, problems);
  for (const auto& problem : problems) parsed.problems.push_back(problem.located());
  return parsed;
}

// The problems of a file that must not parse; a file with problems yields no revision.
inline std::vector<std::string> problems_of(const std::string& path, const std::string& content) {
  Parsed parsed = parse(path, content);
  CHECK_FALSE(parsed.revision);
  return parsed.problems;
}

// The problems load_revisions reports for `files`, as "file:line: message".
// Fails the test when the files load.
inline std::vector<std::string> load_problems(const std::vector<core::SourceFile>& files) {
  try {
    core::load_revisions(files);
  } catch (const InvalidFilesError& error) {
    CHECK(error.code() == ExitCode::usage);
    std::vector<std::string> located;
    for (const auto& problem : error.problems()) located.push_back(problem.located());
    return located;
  }
  FAIL("load_revisions accepted files that should be invalid");
  return {};
}

// Runs `action`, which must throw an Error; returns it.
template <typename ErrorType = Error, typename Action>
ErrorType error_from(Action&& action) {
  try {
    action();
  } catch (const ErrorType& error) {
    return error;
  }
  FAIL("no error was thrown");
  throw std::logic_error("unreachable");
}

// The ids a membership vector (closure_up/closure_down) marks, in graph order.
inline std::vector<std::string> members(const core::RevisionGraph& graph,
                                        const std::vector<bool>& in) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < in.size(); ++i)
    if (in[i]) ids.push_back(graph.order()[i]);
  return ids;
}

// A plan as "id:phase" strings.
inline std::vector<std::string> steps_of(const core::Plan& plan) {
  std::vector<std::string> steps;
  for (const auto& planned : plan)
    steps.push_back(planned.id + ":" + core::to_string(planned.phase));
  return steps;
}

// What the database would record for `id` of `graph`, applied from its current file.
inline core::AppliedRevision applied_from(const core::RevisionGraph& graph, const std::string& id,
                                          core::AppliedPhase phase = core::AppliedPhase::complete) {
  const core::Revision& revision = graph.get(id);
  core::AppliedRevision record;
  record.id = id;
  record.parents = revision.parents;
  record.message = revision.message;
  record.checksum = core::checksum(revision.content);
  record.phase = phase;
  record.applied_at = "2026-11-20 10:00:00+00";
  record.applied_by = "deploy@10.0.0.7";
  record.tool_version = "0.1.0";
  record.path = revision.path;
  record.content = revision.content;
  return record;
}

}  // namespace migrate::test
