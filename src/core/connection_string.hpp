// libpq connection strings as text: made ready for libpq (SQLAlchemy driver
// names dropped, a default connect timeout) and passwords hidden before
// anything is shown.
#pragma once

#include <string>

namespace migrate::core {

// What migrate hands libpq, and the SQLAlchemy driver it dropped to get there.
struct NormalizedConnection {
  std::string text;
  std::string dropped_driver;  // "psycopg2" for postgresql+psycopg2://, else ""
};

// Drops a SQLAlchemy driver from the scheme (postgresql+psycopg2:// and
// postgres+asyncpg:// become postgresql:// and postgres://), which libpq
// would otherwise read as a keyword string and quote back whole. Throws
// Error(usage) when a URI's password holds an unencoded '@', '/' or '?':
// libpq would cut the password there and quote the pieces.
NormalizedConnection normalize_connection_string(const std::string& connection);

// Seconds libpq waits for a server to answer while connecting, unless the
// connection string names connect_timeout or PGCONNECT_TIMEOUT is set.
constexpr int k_default_connect_timeout = 10;

// True when the URI or keyword string names connect_timeout itself.
bool names_connect_timeout(const std::string& connection);

// `connection` with connect_timeout=<seconds> added (a URI query parameter or
// a keyword), unless it names one already.
std::string with_connect_timeout(const std::string& connection, int seconds);

// What to do after libpq's `reason` for a failed connection.
std::string connect_failure_hint(const std::string& reason);

// Whether libpq's `reason` is one a server that is still starting gives
// (refused, no socket yet, starting up, host not resolvable yet, timeout), so
// that --wait tries again; a refused password or an unknown database is not.
bool may_answer_later(const std::string& reason);

// Hides the password of a libpq URI (postgresql://user:secret@host) or
// keyword/value string (password=secret).
std::string redact_connection_string(const std::string& connection);

// `message` with every appearance of the connection string's password (as
// written and percent-decoded) and of the whole connection string hidden, for
// errors that quote their input, such as libpq's.
std::string redact_in_message(const std::string& message, const std::string& connection);

// Any URI password (scheme://user:secret@) and password=secret in free text
// hidden: the last line of defence before a message is printed.
std::string redact_secrets(const std::string& text);

}  // namespace migrate::core
