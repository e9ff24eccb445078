// The one exception family of migrate: every failure a user can see carries the
// exit code it maps to, a message saying what happened and a hint saying what to do.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace migrate {

// Stable exit codes, documented in the README.
enum class ExitCode : int {
  success = 0,
  runtime = 1,
  usage = 2,
  unknown_revisions = 3,
  multiple_heads = 4,
  lock_not_acquired = 5,
  checksum_mismatch = 6,
  lint = 7,
  unadopted_database = 8,
  pending = 9,  // status --exit-code: revisions are pending
  // The database is incompatible with a named release, or a contract would make it so.
  incompatible_release = 10,
  interrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), m_code(code), m_hint(std::move(hint)) {}

  ExitCode code() const { return m_code; }
  // One line saying what to do next; may be empty.
  const std::string& hint() const { return m_hint; }

 private:
  ExitCode m_code;
  std::string m_hint;
};

// A problem in one revision file, located by file and line (line 0: the whole file).
struct FileProblem {
  std::string path;
  int line = 0;
  std::string message;
  std::string hint = {};  // what to do about it ("" when the message says it)

  std::string located() const;  // "path:line: message"
};

// Every problem found in the migrations directory, reported together (exit 2).
class InvalidFilesError : public Error {
 public:
  explicit InvalidFilesError(std::vector<FileProblem> problems);
  // Problems in another input: "N problems in <where>:", and `fix` as the hint.
  InvalidFilesError(std::vector<FileProblem> problems, const std::string& where,
                    const std::string& fix);
  const std::vector<FileProblem>& problems() const { return m_problems; }

 private:
  std::vector<FileProblem> m_problems;
};

// A usage error: bad flag values, unknown targets (exit 2).
inline Error usage_error(std::string message, std::string hint = {}) {
  return Error(ExitCode::usage, std::move(message), std::move(hint));
}

}  // namespace migrate
