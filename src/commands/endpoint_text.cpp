#include "commands/endpoint_text.hpp"

#include <fmt/format.h>

namespace migrate::commands {

std::string endpoint_text(const engine::Endpoint& endpoint) {
  if (endpoint.host.empty()) return {};
  // A socket directory: encryption does not apply to it.
  if (endpoint.host.front() == '/' || endpoint.host.front() == '@')
    return fmt::format("socket {}, port {}", endpoint.host, endpoint.port);
  return fmt::format(
      "{}:{}, {}", endpoint.host, endpoint.port,
      endpoint.tls.empty() ? std::string("no TLS") : fmt::format("TLS ({})", endpoint.tls));
}

nlohmann::json endpoint_json(const engine::Endpoint& endpoint) {
  return {{"host", endpoint.host},
          {"port", endpoint.port},
          {"tls", endpoint.tls.empty() ? nlohmann::json(nullptr) : nlohmann::json(endpoint.tls)}};
}

}  // namespace migrate::commands
