#include "core/error.hpp"

#include <fmt/format.h>

namespace migrate {

std::string FileProblem::located() const {
  if (line > 0) return fmt::format("{}:{}: {}", path, line, message);
  return fmt::format("{}: {}", path, message);
}

static std::string summarize(const std::vector<FileProblem>& problems, const std::string& where) {
  if (problems.size() == 1) return problems.front().located();
  std::string text = fmt::format("{} problems in {}:", problems.size(), where);
  for (const auto& problem : problems) {
    text += "\n  " + problem.located();
    if (!problem.hint.empty()) text += "\n    hint: " + problem.hint;
  }
  return text;
}

static std::string hint_for(const std::vector<FileProblem>& problems, const std::string& fix) {
  if (problems.size() == 1 && !problems.front().hint.empty())
    return problems.front().hint + "; nothing was applied";
  return fix + "; nothing was applied";
}

InvalidFilesError::InvalidFilesError(std::vector<FileProblem> problems)
    : InvalidFilesError(std::move(problems), "the migration files", "fix the files above") {}

InvalidFilesError::InvalidFilesError(std::vector<FileProblem> problems, const std::string& where,
                                     const std::string& fix)
    : Error(ExitCode::usage, summarize(problems, where), hint_for(problems, fix)),
      m_problems(std::move(problems)) {}

}  // namespace migrate
