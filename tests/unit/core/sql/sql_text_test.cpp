// Splitting scripts into statements as psql does, and quoting.
#include "core/sql/sql_text.hpp"

#include <stdexcept>

#include "core/sql/grammar.hpp"
#include "support/test_helpers.hpp"

using migrate::core::is_blank_sql;
using migrate::core::quote_ident;
using migrate::core::quote_literal;
using migrate::core::quote_qualified;
using migrate::core::split_statements;
using migrate::core::SqlStatement;

namespace {

// Statements as "line: sql".
std::vector<std::string> split(std::string_view script, int first_line = 1) {
  std::vector<std::string> out;
  for (const SqlStatement& statement : split_statements(script, first_line))
    out.push_back(std::to_string(statement.line) + ": " + statement.sql);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("split_statements: one statement per semicolon, with its file line") {
  CHECK(split("CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1);\nSELECT 1") ==
        Strings{"1: CREATE TABLE t (id int)", "3: INSERT INTO t VALUES (1)", "4: SELECT 1"});
}

TEST_CASE("split_statements: lines count from the section's first line") {
  CHECK(split("\n\nSELECT 1;\nSELECT\n  2;\n", 8) == Strings{"10: SELECT 1", "11: SELECT\n  2"});
}

TEST_CASE("split_statements: a statement over several lines keeps its text") {
  CHECK(split("ALTER TABLE users\n  ADD COLUMN first text;\n") ==
        Strings{"1: ALTER TABLE users\n  ADD COLUMN first text"});
}

TEST_CASE("split_statements: semicolons inside dollar-quoted bodies do not split") {
  const std::string script =
      "CREATE FUNCTION f() RETURNS trigger AS $$\n"
      "BEGIN\n"
      "  NEW.a := 1;\n"
      "  RETURN NEW;\n"
      "END;\n"
      "$$ LANGUAGE plpgsql;\n"
      "DO $body$ BEGIN PERFORM 1; END $body$;\n";
  auto statements = split_statements(script);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].line == 1);
  CHECK(statements[0].sql == script.substr(0, script.find(" LANGUAGE plpgsql;") + 17));
  CHECK(statements[1].line == 7);
  CHECK(statements[1].sql == "DO $body$ BEGIN PERFORM 1; END $body$");
}

TEST_CASE("split_statements: semicolons inside strings, identifiers and comments do not split") {
  CHECK(split("INSERT INTO t VALUES ('a;b', E'c\\';d');\nSELECT \"x;y\" FROM t;") ==
        Strings{"1: INSERT INTO t VALUES ('a;b', E'c\\';d')", "2: SELECT \"x;y\" FROM t"});
  CHECK(split("SELECT 1 /* ; */ + 2;\nSELECT 3 -- ; not a split\n;") ==
        Strings{"1: SELECT 1 /* ; */ + 2", "2: SELECT 3"});
}

TEST_CASE("split_statements: comments before a statement are skipped and not counted as its line") {
  CHECK(split("-- add the column\n/* block\n   comment */\nALTER TABLE t ADD c int;\n") ==
        Strings{"4: ALTER TABLE t ADD c int"});
  CHECK(split("/* outer /* nested */ still comment */ SELECT 1;") == Strings{"1: SELECT 1"});
}

TEST_CASE("split_statements: comment-only and empty pieces are dropped") {
  CHECK(split("") == Strings{});
  CHECK(split("-- nothing here\n\n/* nor here */\n") == Strings{});
  CHECK(split(";;\nSELECT 1;;\n;") == Strings{"2: SELECT 1"});
  CHECK(split("SELECT 1;\n-- trailing note\n") == Strings{"1: SELECT 1"});
}

TEST_CASE("split_statements: CRLF scripts split like LF scripts") {
  CHECK(split("SELECT 1;\r\nSELECT 2;\r\n") == Strings{"1: SELECT 1", "2: SELECT 2"});
}

TEST_CASE("split_statements: an unterminated string is an error with its line") {
  try {
    split_statements("SELECT 1;\nSELECT 'open;\n", 10);
    FAIL("no error");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) == "line 11: unterminated quoted string");
  }
  CHECK_THROWS_AS(split_statements("SELECT $$ never closed;"), std::runtime_error);
}

TEST_CASE("syntax_error: empty for valid SQL, the parser's message with its line otherwise") {
  CHECK(migrate::core::syntax_error("SELECT 1;\nCREATE TABLE t (id int);") == "");
  CHECK(migrate::core::syntax_error("SELECT 1;\nSELEC 2;", 5) ==
        "line 6: syntax error at or near \"SELEC\"");
}

TEST_CASE("is_blank_sql: only whitespace and comments") {
  CHECK(is_blank_sql(""));
  CHECK(is_blank_sql(" \n\t\r\n"));
  CHECK(is_blank_sql("-- note\n  -- another\n"));
  CHECK(is_blank_sql("/* a /* nested */ comment */\n-- x"));
  CHECK_FALSE(is_blank_sql("-- note\nSELECT 1"));
  CHECK_FALSE(is_blank_sql(";"));
  CHECK_FALSE(is_blank_sql("/* */ x"));
}

TEST_CASE("quote_ident: always quoted, embedded quotes doubled") {
  CHECK(quote_ident("users") == "\"users\"");
  CHECK(quote_ident("User Table") == "\"User Table\"");
  CHECK(quote_ident("a\"b") == "\"a\"\"b\"");
  CHECK(quote_ident("") == "\"\"");
}

TEST_CASE("quote_qualified: schema and name quoted apart") {
  CHECK(quote_qualified("public.users") == "\"public\".\"users\"");
  CHECK(quote_qualified("users") == "\"users\"");
  CHECK(quote_qualified("my\"s.t") == "\"my\"\"s\".\"t\"");
}

TEST_CASE("quote_literal: standard-conforming literal, embedded quotes doubled") {
  CHECK(quote_literal("abc") == "'abc'");
  CHECK(quote_literal("O'Brien") == "'O''Brien'");
  CHECK(quote_literal("''") == "''''''");
  CHECK(quote_literal("") == "''");
  CHECK(quote_literal("a\nb") == "'a\nb'");
}

TEST_CASE("quote_literal: the quoted text parses back as one literal") {
  for (std::string value : {"O'Brien", "'; DROP TABLE users; --", "a\\'b", "$$"}) {
    INFO(value);
    CHECK(split("SELECT " + quote_literal(value) + "; SELECT 2") ==
          Strings{"1: SELECT " + quote_literal(value), "1: SELECT 2"});
    CHECK(migrate::core::syntax_error("SELECT " + quote_literal(value)) == "");
  }
}

TEST_CASE("split_statements: a misspelt statement is a statement of its own, never skipped") {
  // The parser (syntax gate, lint) then names it.
  CHECK(split("SELECT 1;\nSELEC 2;\nSELECT 3;", 10) ==
        Strings{"10: SELECT 1", "11: SELEC 2", "12: SELECT 3"});
  CHECK(split("SELECT 1;\nfoo") == Strings{"1: SELECT 1", "2: foo"});
}

TEST_CASE("newer_than_parser: only servers above the parser's PostgreSQL major version") {
  using migrate::core::newer_than_parser;
  CHECK_FALSE(newer_than_parser(0));
  CHECK_FALSE(newer_than_parser(90624));
  CHECK_FALSE(newer_than_parser(150004));
  CHECK(newer_than_parser(160000));
  CHECK(newer_than_parser(180001));
}

TEST_CASE("server_version_text: as PostgreSQL prints its version") {
  using migrate::core::server_version_text;
  CHECK(server_version_text(150004) == "15.4");
  CHECK(server_version_text(90624) == "9.6.24");
  CHECK(server_version_text(0) == "");
}
