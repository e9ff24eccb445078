#include "cli/libpq_connection.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/connection_string.hpp"

namespace migrate::cli {

std::string libpq_connection(const std::string& configured, engine::Reporter& reporter) {
  core::NormalizedConnection normalized = core::normalize_connection_string(configured);
  if (!normalized.dropped_driver.empty())
    reporter.info(fmt::format(
        "note: the database URL names the SQLAlchemy driver '{}'; migrate connects with libpq "
        "and ignores it",
        normalized.dropped_driver));
  const char* from_environment = std::getenv("PGCONNECT_TIMEOUT");
  if (from_environment && *from_environment) return normalized.text;
  return core::with_connect_timeout(normalized.text, core::k_default_connect_timeout);
}

}  // namespace migrate::cli
