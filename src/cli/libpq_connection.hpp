// The connection string migrate hands libpq, from the one the user configured:
// a SQLAlchemy driver dropped (with a note), a default connect timeout.
#pragma once

#include <string>

#include "engine/reporter.hpp"

namespace migrate::cli {

// Adds core::k_default_connect_timeout unless PGCONNECT_TIMEOUT is set.
// Throws Error(usage) for a URL password with unencoded reserved characters
// (see core::normalize_connection_string); notes a dropped driver on `reporter`.
std::string libpq_connection(const std::string& configured, engine::Reporter& reporter);

}  // namespace migrate::cli
