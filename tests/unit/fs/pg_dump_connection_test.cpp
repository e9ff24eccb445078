// pg_dump gets the connection without its password (which goes in its
// environment): arguments are readable by every user of the machine.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "fs/pg_dump.hpp"

using migrate::fs::without_password;

TEST_CASE("without_password: a URI's password leaves the connection string") {
  auto split = without_password("postgresql://app:s3cr%40t@db.example:6432/shop?sslmode=require");
  CHECK(split.password == "s3cr@t");
  CHECK(split.connection.find("s3cr") == std::string::npos);
  CHECK(split.connection.find("host='db.example'") != std::string::npos);
  CHECK(split.connection.find("port='6432'") != std::string::npos);
  CHECK(split.connection.find("dbname='shop'") != std::string::npos);
  CHECK(split.connection.find("sslmode='require'") != std::string::npos);
  CHECK(split.connection.find("user='app'") != std::string::npos);
}

TEST_CASE("without_password: keyword strings, quotes and multi-host lists keep their meaning") {
  auto split = without_password(R"(host=a,b port=5432,5433 dbname='it\'s' password='p w')");
  CHECK(split.password == "p w");
  CHECK(split.connection.find("host='a,b'") != std::string::npos);
  CHECK(split.connection.find("port='5432,5433'") != std::string::npos);
  CHECK(split.connection.find(R"(dbname='it\'s')") != std::string::npos);
  CHECK(split.connection.find("password") == std::string::npos);
}

TEST_CASE("without_password: no password, nothing to hide") {
  auto split = without_password("postgresql:///shop");
  CHECK(split.password.empty());
  CHECK(split.connection == "dbname='shop'");
}

TEST_CASE("without_password: an unparsable string is a usage error that hides the password") {
  try {
    without_password("host=a password=hunter2 'unterminated");
    FAIL("no error");
  } catch (const migrate::Error& error) {
    CHECK(error.code() == migrate::ExitCode::usage);
    CHECK(std::string(error.what()).find("hunter2") == std::string::npos);
  }
}
