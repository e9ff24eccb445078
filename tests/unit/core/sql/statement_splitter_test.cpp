// split_statements as psql splits: comments in every position, quotes of
// every kind, routine bodies, COPY data and psql meta-commands.
#include <fmt/format.h>

#include <stdexcept>
#include <tuple>

#include "core/sql/sql_text.hpp"
#include "support/test_helpers.hpp"

using migrate::core::split_statements;
using migrate::core::SqlStatement;
using Strings = std::vector<std::string>;

namespace {

Strings split(std::string_view script, int first_line = 1) {
  Strings out;
  for (const SqlStatement& statement : split_statements(script, first_line))
    out.push_back(std::to_string(statement.line) + ": " + statement.sql);
  return out;
}

std::string error_of(std::string_view script, int first_line = 1) {
  try {
    split_statements(script, first_line);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("split_statements: a trailing line comment never swallows what a caller appends") {
  CHECK(split("ALTER TABLE t ADD a int -- note\n;\nALTER TABLE t ADD b int;") ==
        Strings{"1: ALTER TABLE t ADD a int", "3: ALTER TABLE t ADD b int"});
  // The last statement, without a semicolon, ending in a comment.
  CHECK(split("SELECT 1;\nSELECT 2 -- last\n-- and more\n") ==
        Strings{"1: SELECT 1", "2: SELECT 2"});
  CHECK(split("SELECT 1 /* block */\n;") == Strings{"1: SELECT 1"});
}

TEST_CASE("split_statements: comments inside a statement stay in its text") {
  CHECK(split("CREATE TABLE t ( -- open\n  id int /* a /* nested */ one; */\n);") ==
        Strings{"1: CREATE TABLE t ( -- open\n  id int /* a /* nested */ one; */\n)"});
}

TEST_CASE("split_statements: quotes of every kind hold semicolons") {
  CHECK(split("SELECT E'it\\'s; \\\\', 'a\\'; SELECT 2;") ==
        Strings{"1: SELECT E'it\\'s; \\\\', 'a\\'", "1: SELECT 2"});
  CHECK(split("SELECT \"a;\"\"b\" FROM \"t;\";") == Strings{"1: SELECT \"a;\"\"b\" FROM \"t;\""});
  CHECK(split("SELECT $tag$ $$; $tag$, $a$$b$;$a$, $$;$$;") ==
        Strings{"1: SELECT $tag$ $$; $tag$, $a$$b$;$a$, $$;$$"});
  CHECK(split("SELECT U&'\\0041;', B'01', X'ff';") ==
        Strings{"1: SELECT U&'\\0041;', B'01', X'ff'"});
}

TEST_CASE("split_statements: a dollar inside a word or a parameter opens no quote") {
  CHECK(split("SELECT a$b$ FROM t;\nPREPARE p AS SELECT $1;") ==
        Strings{"1: SELECT a$b$ FROM t", "2: PREPARE p AS SELECT $1"});
}

TEST_CASE("split_statements: semicolons inside parentheses do not split, as in psql") {
  CHECK(split("SELECT (1;\n2);") == Strings{"1: SELECT (1;\n2)"});
}

TEST_CASE("split_statements: a SQL-standard routine body holds its semicolons") {
  const std::string body =
      "CREATE OR REPLACE FUNCTION f(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE "
      "WHEN i > 0 THEN 1 "
      "ELSE 0 END;\n  SELECT 2;\nEND";
  CHECK(split(body + ";\nSELECT 3;") == Strings{"1: " + body, "6: SELECT 3"});
  // Outside CREATE FUNCTION/PROCEDURE, BEGIN is a statement of its own.
  CHECK(split("BEGIN;\nSELECT 1;\nEND;") == Strings{"1: BEGIN", "2: SELECT 1", "3: END"});
}

TEST_CASE("split_statements: COPY FROM stdin takes its data up to the end line") {
  auto statements =
      split_statements("COPY t (a, b) FROM stdin;\n1\t-- x;\n\\N\t'\n\\.\nSELECT 1;", 5);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].sql == "COPY t (a, b) FROM stdin");
  CHECK(statements[0].line == 5);
  CHECK(statements[0].copy_data == std::optional<std::string>("1\t-- x;\n\\N\t'\n\\.\n"));
  CHECK(statements[1].sql == "SELECT 1");
  CHECK(statements[1].line == 9);
  CHECK_FALSE(statements[1].copy_data);
}

TEST_CASE(
    "split_statements: COPY data keeps CRLF line ends, and an empty COPY has only its end line") {
  auto statements = split_statements(
      "COPY t FROM STDIN WITH (FORMAT csv);\r\n1,2\r\n\\.\r\nCOPY u FROM stdin;\n\\.");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].copy_data == std::optional<std::string>("1,2\r\n\\.\r\n"));
  CHECK(statements[1].copy_data == std::optional<std::string>("\\."));
}

TEST_CASE("split_statements: COPY from a file or to stdout takes no data") {
  CHECK_FALSE(split_statements("COPY t FROM '/tmp/x';")[0].copy_data);
  CHECK(error_of("SELECT 1;\nCOPY t TO stdout;") ==
        "line 2: COPY ... TO STDOUT writes to psql's output, which migrate does not have; write to "
        "a file on the "
        "server (COPY ... TO 'file') or run it with psql");
}

TEST_CASE(
    "split_statements: COPY data without its end line, or text after the statement, is an error") {
  CHECK(error_of("SELECT 1;\nCOPY t FROM stdin;\n1\n2\n", 3) ==
        "line 4: COPY ... FROM stdin: its data has no end line `\\.`; add a line holding only "
        "`\\.` after the last row");
  CHECK(error_of("COPY t FROM stdin; SELECT 1;\n\\.\n") ==
        "line 1: text after COPY ... FROM stdin on its line: its data starts on the next line; put "
        "that text after "
        "the `\\.` line");
  CHECK(error_of("COPY t FROM stdin") ==
        "line 1: COPY ... FROM stdin needs a `;` and then its data, ended by a line `\\.`");
}

TEST_CASE("split_statements: psql meta-commands are refused with their line") {
  for (const auto& [script, first_line, expected_line, command] :
       {std::tuple{"SELECT 1;\n\\i other.sql\n", 7, 8, "\\i"},
        std::tuple{"SELECT 1 \\gset\n", 1, 1, "\\gset"}})
    CHECK(error_of(script, first_line) ==
          fmt::format(
              "line {}: '{}' is a psql meta-command, not SQL: migrate sends SQL to the server "
              "without psql; remove it (put the SQL it stands for in the file)",
              expected_line, command));
  // Inside quotes and comments a backslash is text.
  CHECK(split("SELECT '\\i'; -- \\set x\nSELECT 2 /* \\c */;") ==
        Strings{"1: SELECT '\\i'", "2: SELECT 2"});
}

TEST_CASE("split_statements: unterminated quotes and comments name the line they open on") {
  CHECK(error_of("SELECT 1;\nSELECT \"open;\n", 3) == "line 4: unterminated quoted identifier");
  CHECK(error_of("SELECT $x$ never closed; $y$;") == "line 1: unterminated dollar-quoted string");
  CHECK(error_of("SELECT 1;\n/* a /* nested */ still open") == "line 2: unterminated /* comment");
}
