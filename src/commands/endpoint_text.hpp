// How the server a connection reached is shown in headers and in JSON: with
// several hosts in the connection string, which one answered, and whether TLS
// is in use.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/database_types.hpp"

namespace migrate::commands {

// "127.0.0.1:5433, TLS (TLSv1.3)", "db.internal:5432, no TLS" or
// "socket /run/postgresql, port 5432"; empty when there is no server.
std::string endpoint_text(const engine::Endpoint& endpoint);

// {"host": ..., "port": ..., "tls": "TLSv1.3" or null}, for a command's JSON object.
nlohmann::json endpoint_json(const engine::Endpoint& endpoint);

}  // namespace migrate::commands
