#include "core/checks/lint_suppressions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/checks/lint_rules.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

const std::string k_directive = "migrate:lint-ignore";

std::string trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    if (end == text.size()) break;
    pos = end + 1;
  }
  return lines;
}

// The text after `-- migrate:lint-ignore` (or `# ...` in YAML), if `line` is a directive.
bool directive_text(const std::string& line, RevisionFormat format, std::string& rest) {
  for (const char* prefix : {"--", "#"}) {
    if (format == RevisionFormat::sql && std::string(prefix) == "#") continue;
    std::string start = std::string(prefix) + " " + k_directive;
    if (line.compare(0, start.size(), start) != 0) continue;
    rest = line.substr(start.size());
    if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') return false;
    return true;
  }
  return false;
}

bool is_comment_or_blank(const std::string& line, RevisionFormat format) {
  return line.empty() || line.compare(0, 2, "--") == 0 ||
         (format == RevisionFormat::yaml && line[0] == '#');
}

// Where the file's first section starts: before it, a directive is for the whole file.
bool starts_body(const std::string& line, RevisionFormat format) {
  if (format == RevisionFormat::yaml) return line.compare(0, 11, "operations:") == 0;
  return line == "-- migrate:up" || line == "-- migrate:contract" || line == "-- migrate:down";
}

}  // namespace

std::vector<LintSuppression> read_suppressions(const Revision& revision,
                                               std::vector<LintFinding>& problems) {
  std::vector<std::string> known;
  for (const auto& rule : lint_rules()) known.push_back(rule.id);
  std::vector<std::string> lines = lines_of(revision.content);
  std::vector<LintSuppression> suppressions;
  bool in_body = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trimmed(lines[i]);
    if (starts_body(line, revision.format)) in_body = true;
    std::string rest;
    if (!directive_text(line, revision.format, rest)) continue;
    LintSuppression suppression;
    suppression.line = static_cast<int>(i + 1);
    auto error = [&](std::string message, std::string hint) {
      problems.push_back({Severity::error, "lint-ignore", revision.path, suppression.line,
                          std::move(message), std::move(hint)});
    };
    size_t open = rest.find('(');
    if (open != std::string::npos) {
      size_t close = rest.rfind(')');
      suppression.reason = trimmed(rest.substr(open + 1, close == std::string::npos || close < open
                                                             ? std::string::npos
                                                             : close - open - 1));
      rest = rest.substr(0, open);
    }
    std::string word;
    auto take_word = [&] {
      if (word.empty()) return;
      if (word == "syntax")
        error("a syntax error cannot be ignored: the statement would not run", "fix the statement");
      else if (std::find(known.begin(), known.end(), word) == known.end())
        error(fmt::format("unknown lint rule '{}' in migrate:lint-ignore{}", word,
                          did_you_mean(word, known)),
              "name rules as `migrate lint` prints them, e.g. `-- migrate:lint-ignore "
              "index-not-concurrent (small table)`");
      else
        suppression.rules.push_back(word);
      word.clear();
    };
    for (char c : rest) {
      if (c == ',' || c == ' ' || c == '\t')
        take_word();
      else
        word += c;
    }
    take_word();
    if (suppression.rules.empty()) {
      if (std::none_of(problems.begin(), problems.end(),
                       [&](const LintFinding& p) { return p.line == suppression.line; }))
        error("migrate:lint-ignore names no rule",
              "name the rules it silences, e.g. `-- migrate:lint-ignore index-not-concurrent "
              "(small table)`");
      continue;
    }
    if (in_body) {
      // Up to the first line of the next statement (or operation).
      suppression.first = suppression.line;
      suppression.last = suppression.line;
      for (size_t next = i + 1; next < lines.size(); ++next) {
        suppression.last = static_cast<int>(next + 1);
        if (!is_comment_or_blank(trimmed(lines[next]), revision.format)) break;
      }
    }
    suppressions.push_back(std::move(suppression));
  }
  return suppressions;
}

std::vector<LintFinding> suppress(std::vector<LintFinding> findings,
                                  const std::vector<LintSuppression>& suppressions) {
  auto covered = [&](const LintFinding& finding) {
    return std::any_of(suppressions.begin(), suppressions.end(), [&](const LintSuppression& s) {
      return finding.line >= s.first && finding.line <= s.last &&
             std::find(s.rules.begin(), s.rules.end(), finding.rule) != s.rules.end();
    });
  };
  findings.erase(std::remove_if(findings.begin(), findings.end(), covered), findings.end());
  return findings;
}

}  // namespace migrate::core
