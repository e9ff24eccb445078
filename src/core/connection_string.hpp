// libpq connection strings as text: hiding passwords before anything is shown.
#pragma once

#include <string>

namespace migrate::core {

// Hides the password of a libpq URI (postgresql://user:secret@host) or
// keyword/value string (password=secret).
std::string redact_connection_string(const std::string& connection);

// `message` with every appearance of the connection string's password (and of
// the whole connection string) hidden, for errors that quote their input.
std::string redact_in_message(const std::string& message, const std::string& connection);

}  // namespace migrate::core
