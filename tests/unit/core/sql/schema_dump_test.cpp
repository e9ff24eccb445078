// pg_dump's output made deterministic: what varies between two dumps of one
// schema is dropped, the schema itself kept byte for byte.
#include "core/sql/schema_dump.hpp"

#include <catch2/catch.hpp>

TEST_CASE("clean_schema_dump: drops version comments, settings and restrict keys") {
  const std::string dump =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "\\restrict lda3vAROjdc0nAoPXUFp\n\n"
      "-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n"
      "-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n\n"
      "SET statement_timeout = 0;\n"
      "SELECT pg_catalog.set_config('search_path', '', false);\n"
      "SET row_security = off;\n\n"
      "SET default_tablespace = '';\n\n\n"
      "CREATE TABLE public.users (\n    id bigint NOT NULL\n);\n\n\n"
      "\\unrestrict lda3vAROjdc0nAoPXUFp\n\n";
  CHECK(migrate::core::clean_schema_dump(dump) ==
        "--\n-- PostgreSQL database dump\n--\n\n"
        "CREATE TABLE public.users (\n    id bigint NOT NULL\n);\n");
}

TEST_CASE("clean_schema_dump: two dumps that differ only in what varies clean the same") {
  std::string a = "\\restrict AAA\n-- Dumped by pg_dump version 15.1\nCREATE TABLE t ();\n";
  std::string b = "\\restrict BBB\n-- Dumped by pg_dump version 16.4\nCREATE TABLE t ();\n";
  CHECK(migrate::core::clean_schema_dump(a) == migrate::core::clean_schema_dump(b));
  CHECK(migrate::core::clean_schema_dump(a) == "CREATE TABLE t ();\n");
}

TEST_CASE("clean_schema_dump: a SET inside a function body is kept") {
  // Only lines that start with SET are pg_dump's: indented ones belong to the schema.
  std::string dump = "CREATE FUNCTION f() RETURNS void AS $$\n  SET x = 1;\n$$;\n";
  CHECK(migrate::core::clean_schema_dump(dump) == dump);
}

TEST_CASE("clean_schema_dump: unindented lines of a function body or a string are kept") {
  std::string body =
      "CREATE FUNCTION public.f() RETURNS void\n    LANGUAGE plpgsql\n    AS $_$\n"
      "SET search_path = app;\nSELECT pg_catalog.set_config('x', '', false);\n"
      "-- Dumped by pg_dump version 1 (a comment of the body)\n$_$;\n";
  std::string comment =
      "COMMENT ON TABLE public.t IS 'first line\nSET not_a_setting = 1;\nit''s kept';\n";
  CHECK(migrate::core::clean_schema_dump("SET a = 1;\n" + body + "SET b = 2;\n") == body);
  CHECK(migrate::core::clean_schema_dump(comment + "SET c = 3;\n") == comment);
}

TEST_CASE("clean_schema_dump: a $1 parameter or a tagged body does not open a quote") {
  std::string dump =
      "CREATE FUNCTION public.g(integer) RETURNS integer\n    AS $body$ SELECT $1 $body$;\n"
      "SET after = 1;\nCREATE TABLE t ();\n";
  CHECK(migrate::core::clean_schema_dump(dump) ==
        "CREATE FUNCTION public.g(integer) RETURNS integer\n    AS $body$ SELECT $1 $body$;\n"
        "CREATE TABLE t ();\n");
}
