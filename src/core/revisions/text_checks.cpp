#include "core/revisions/text_checks.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

// Length of the UTF-8 sequence at `pos`, or 0 when it is not one (overlong
// forms and surrogates included).
size_t utf8_length(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
  auto continuation = [&](size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
  unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(pos + 1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char second = byte(pos + 1);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)) return 0;
    return continuation(pos + 1) && continuation(pos + 2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char second = byte(pos + 1);
    if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) return 0;
    return continuation(pos + 1) && continuation(pos + 2) && continuation(pos + 3) ? 4 : 0;
  }
  return 0;
}

// Transaction control that would end the revision's own transaction.
const char* ends_transaction(const std::string& kind) {
  if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") return "starts a transaction";
  if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_PREPARE") return "commits";
  if (kind == "TRANS_STMT_ROLLBACK") return "rolls back";
  if (kind == "TRANS_STMT_COMMIT_PREPARED" || kind == "TRANS_STMT_ROLLBACK_PREPARED")
    return "cannot run inside a transaction";
  return nullptr;
}

std::string first_word(const std::string& sql) {
  size_t end = 0;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  std::string word = sql.substr(0, end);
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

void check_transaction_control(const Revision& revision, const SqlStatement& statement,
                               std::vector<FileProblem>& problems) {
  static const char* const k_words[] = {"BEGIN",    "START", "COMMIT", "END",
                                        "ROLLBACK", "ABORT", "PREPARE"};
  std::string word = first_word(statement.sql);
  bool candidate = false;
  for (const char* known : k_words) candidate = candidate || word == known;
  if (!candidate) return;
  ParsedSql parsed = parse_sql(statement.sql);
  if (!parsed.error.empty() || parsed.statements.size() != 1 ||
      parse_tree::type_of(parsed.statements[0]) != "TransactionStmt")
    return;
  const char* effect =
      ends_transaction(parse_tree::text(parse_tree::body_of(parsed.statements[0]), "kind"));
  if (!effect) return;  // SAVEPOINT, RELEASE, ROLLBACK TO: fine inside the transaction
  problems.push_back(
      {revision.path, statement.line,
       fmt::format("{} {} inside a transactional revision: migrate runs the revision and its "
                   "state row in one transaction, which this would break",
                   word, effect),
       revision.format == RevisionFormat::sql
           ? "remove it, or add `-- migrate:transaction off` to the header to run the file "
             "statement by statement"
           : "remove it, or set `transaction: false` in the file to run its statements one by "
             "one"});
}

}  // namespace

std::vector<FileProblem> check_bytes(const SourceFile& file) {
  const std::string& text = file.content;
  int line = 1;
  size_t line_start = 0;
  for (size_t pos = 0; pos < text.size();) {
    if (text[pos] == '\0')
      return {{file.path, line,
               fmt::format("a NUL byte (column {}): revision files are text", pos - line_start + 1),
               "remove the byte (`tr -d '\\000'`), and check what wrote it"}};
    size_t length = utf8_length(text, pos);
    if (length == 0)
      return {
          {file.path, line,
           fmt::format(
               "byte 0x{:02x} (column {}) is not UTF-8: PostgreSQL and migrate read revision files "
               "as UTF-8",
               static_cast<unsigned char>(text[pos]), pos - line_start + 1),
           "save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.new` for Latin-1 "
           "text"}};
    if (text[pos] == '\n') {
      ++line;
      line_start = pos + 1;
    }
    pos += length;
  }
  return {};
}

void check_revision_text(const Revision& revision, std::vector<FileProblem>& problems) {
  for (const auto& [what, value, line] :
       {std::tuple{"id", &revision.id, revision.id_line},
        std::tuple{"message", &revision.message, revision.id_line}})
    if (value->find('\0') != std::string::npos)
      problems.push_back({revision.path, line,
                          fmt::format("the revision {} holds a NUL character", what),
                          "remove the \\0 escape from it"});
  if (revision.format == RevisionFormat::yaml) {
    if (!revision.transactional) return;
    // The YAML reader already refused raw SQL that does not split.
    for (const Operation& operation : revision.operations)
      if (const auto* raw = std::get_if<SqlOp>(&operation.spec))
        for (const std::string* text : {&raw->up, &raw->contract, &raw->down})
          if (!is_blank_sql(*text))
            for (const auto& statement : split_statements(*text, operation.line))
              check_transaction_control(revision, statement, problems);
    return;
  }
  for (const SqlSection* section : {&revision.up, &revision.contract, &revision.down}) {
    if (!section->present || section->size == 0) continue;
    std::vector<SqlStatement> statements;
    try {
      statements = split_statements(revision.text(*section), section->first_line);
    } catch (const SplitError& error) {
      problems.push_back({revision.path, error.line(), error.message(), ""});
      continue;
    }
    if (!revision.transactional) continue;
    for (const auto& statement : statements)
      check_transaction_control(revision, statement, problems);
  }
}

}  // namespace migrate::core
