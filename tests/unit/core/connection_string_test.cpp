// Connection strings: SQLAlchemy schemes, unencoded passwords refused without
// being shown, the default connect timeout, and passwords hidden in messages.
#include "core/connection_string.hpp"

#include "support/test_helpers.hpp"

using migrate::ExitCode;
using migrate::core::names_connect_timeout;
using migrate::core::normalize_connection_string;
using migrate::core::redact_connection_string;
using migrate::core::redact_in_message;
using migrate::core::redact_secrets;
using migrate::core::with_connect_timeout;
using migrate::test::error_from;

namespace {

const std::string k_secret = "S3NT1NEL";

// The message of the usage error normalize_connection_string throws.
std::string refusal(const std::string& connection) {
  auto error = error_from([&] { normalize_connection_string(connection); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()).find("T1NEL") == std::string::npos);
  CHECK(error.hint().find("T1NEL") == std::string::npos);
  return error.what();
}

}  // namespace

TEST_CASE("normalize_connection_string: drops a SQLAlchemy driver from the scheme") {
  auto psycopg =
      normalize_connection_string("postgresql+psycopg2://app:" + k_secret + "@db.internal/shop");
  CHECK(psycopg.text == "postgresql://app:" + k_secret + "@db.internal/shop");
  CHECK(psycopg.dropped_driver == "psycopg2");
  auto asyncpg =
      normalize_connection_string("postgres+asyncpg://app@db.internal:6432/shop?sslmode=require");
  CHECK(asyncpg.text == "postgres://app@db.internal:6432/shop?sslmode=require");
  CHECK(asyncpg.dropped_driver == "asyncpg");
}

TEST_CASE("normalize_connection_string: plain URIs and keyword strings pass unchanged") {
  for (const std::string& connection : {std::string("postgresql://app:p%40ss%2F%3F%25@h/db"),
                                        std::string("host=h password='a@b/c?' dbname=db"),
                                        std::string("postgresql:///db?host=/tmp&user=me@corp"),
                                        std::string(""), std::string("dbname=x")}) {
    auto normalized = normalize_connection_string(connection);
    CHECK(normalized.text == connection);
    CHECK(normalized.dropped_driver.empty());
  }
}

TEST_CASE(
    "normalize_connection_string: an unencoded '@', '/' or '?' in the password is refused, never "
    "shown") {
  CHECK(refusal("postgresql://app:S3N@T1NEL@h/db") ==
        "the user name or password in the database URL holds an unencoded '@': percent-encode it "
        "(write %40)");
  CHECK(refusal("postgresql+psycopg2://app:S3N/T1NEL@h/db") ==
        "the user name or password in the database URL holds an unencoded '/': percent-encode it "
        "(write %2F)");
  CHECK(refusal("postgres://app:S3N?T1NEL@h:5432/db") ==
        "the user name or password in the database URL holds an unencoded '?': percent-encode it "
        "(write %3F)");
  CHECK(refusal("postgresql://me@corp:S3NT1NEL@h/db") ==
        "the user name or password in the database URL holds an unencoded '@': percent-encode it "
        "(write %40)");
  CHECK(refusal("postgresql://app:S3N%zzT1NEL@h/db") ==
        "the user name or password in the database URL holds a '%' that starts no %XX escape: "
        "percent-encode it (write %25)");
}

TEST_CASE("normalize_connection_string: '!' and '#' need no encoding for libpq") {
  CHECK(normalize_connection_string("postgresql://app:S3N!T1#NEL@h/db").text ==
        "postgresql://app:S3N!T1#NEL@h/db");
}

TEST_CASE("with_connect_timeout: added as a query parameter or a keyword unless named") {
  CHECK(with_connect_timeout("postgresql://h/db", 10) == "postgresql://h/db?connect_timeout=10");
  CHECK(with_connect_timeout("postgres://h/db?sslmode=require", 7) ==
        "postgres://h/db?sslmode=require&connect_timeout=7");
  CHECK(with_connect_timeout("postgresql://h/db?connect_timeout=3", 10) ==
        "postgresql://h/db?connect_timeout=3");
  CHECK(with_connect_timeout("host=h dbname=db", 10) == "host=h dbname=db connect_timeout=10");
  CHECK(with_connect_timeout("host=h connect_timeout = 2", 10) == "host=h connect_timeout = 2");
  CHECK(with_connect_timeout("", 10) == "connect_timeout=10");
}

TEST_CASE("names_connect_timeout: a parameter or keyword, not a word inside another") {
  CHECK(names_connect_timeout("connect_timeout=1"));
  CHECK(names_connect_timeout("postgresql://h/db?a=b&connect_timeout=1"));
  CHECK_FALSE(names_connect_timeout("host=h application_name=xconnect_timeout=1"));
  CHECK_FALSE(names_connect_timeout("postgresql://h/db"));
}

TEST_CASE("redact_connection_string: hides URI, query and keyword passwords") {
  CHECK(redact_connection_string("postgresql://app:" + k_secret + "@h:5432/db") ==
        "postgresql://app:***@h:5432/db");
  CHECK(
      redact_connection_string("postgresql://app@h/db?password=" + k_secret + "&sslmode=require") ==
      "postgresql://app@h/db?password=***&sslmode=require");
  CHECK(redact_connection_string("host=h password=" + k_secret + " dbname=db") ==
        "host=h password=*** dbname=db");
  CHECK(redact_connection_string("host=h password='S3N T1\\'NEL' dbname=db") ==
        "host=h password=*** dbname=db");
  CHECK(redact_connection_string("postgresql://app@h/db") == "postgresql://app@h/db");
}

TEST_CASE("redact_in_message: libpq's own texts lose the password in every form") {
  CHECK(redact_in_message("invalid percent-encoded token: \"S3N%zzT1NEL\"",
                          "postgresql://app:S3N%zzT1NEL@h/db") ==
        "invalid percent-encoded token: \"***\"");
  CHECK(redact_in_message("password \"S3N T1'NEL\" rejected", "host=h password='S3N T1\\'NEL'") ==
        "password \"***\" rejected");
  CHECK(redact_in_message("got S3N@T1NEL", "postgresql://app:S3N%40T1NEL@h/db") == "got ***");
  CHECK(redact_in_message("missing \"=\" after \"postgresql+psycopg2://app:S3NT1NEL@h/db\" in "
                          "connection info string",
                          "postgresql+psycopg2://app:S3NT1NEL@h/db") ==
        "missing \"=\" after \"postgresql+psycopg2://app:***@h/db\" in connection info string");
  CHECK(redact_in_message("invalid integer value \"S3NT1NEL\" for connection option \"port\"",
                          "host=h port=S3NT1NEL password=S3NT1NEL") ==
        "invalid integer value \"***\" for connection option \"port\"");
}

TEST_CASE("redact_secrets: URI passwords and password= in free text") {
  CHECK(redact_secrets(
            "The following argument was not expected: postgresql+asyncpg://app:S3N@T1NEL@h/db") ==
        "The following argument was not expected: postgresql+asyncpg://app:***@h/db");
  CHECK(redact_secrets("bad \"host=h password=S3NT1NEL\" here") ==
        "bad \"host=h password=***\" here");
  CHECK(redact_secrets("password authentication failed for user \"app\"") ==
        "password authentication failed for user \"app\"");
  CHECK(redact_secrets("see https://example.com/docs") == "see https://example.com/docs");
}

TEST_CASE(
    "connect_failure_hint: a timeout names connect_timeout, anything else the configuration") {
  CHECK(migrate::core::connect_failure_hint(
            "connection to server at \"127.0.0.1\", port 5 failed: timeout expired") ==
        "the server did not answer within connect_timeout (10 s unless the connection string or "
        "PGCONNECT_TIMEOUT "
        "says otherwise); check that the host and port are PostgreSQL's");
  CHECK(migrate::core::connect_failure_hint("Connection refused") ==
        "check --database-url, DATABASE_URL or migrate.yaml, and that the server is running");
}

TEST_CASE("connect_failure_hint: TLS failures name the setting that decides them") {
  using migrate::core::connect_failure_hint;
  const std::string wrong_ca = connect_failure_hint(
      "connection to server at \"localhost\" (127.0.0.1), port 5 failed: SSL error: certificate "
      "verify failed");
  CHECK(wrong_ca.find("sslrootcert") != std::string::npos);
  const std::string wrong_host = connect_failure_hint(
      "connection to server at \"127.0.0.1\", port 5 failed: server certificate for \"localhost\" "
      "does not match host name \"127.0.0.1\"");
  CHECK(wrong_host.find("verify-ca") != std::string::npos);
  CHECK(wrong_host.find("hostaddr=") != std::string::npos);
  CHECK(connect_failure_hint("root certificate file \"/x/root.crt\" does not exist")
            .find("set sslrootcert") != std::string::npos);
  CHECK(
      connect_failure_hint("server does not support SSL, but SSL was required").find("ssl = off") !=
      std::string::npos);
}

TEST_CASE("connect_failure_hint: no primary among several hosts says the hosts are standbys") {
  CHECK(migrate::core::connect_failure_hint(
            "connection to server at \"127.0.0.1\", port 5 failed: session is read-only")
            .find("each is a standby") != std::string::npos);
}
