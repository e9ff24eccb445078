// PostgreSQL's limit on identifier length, and the stable hash migrate uses
// to shorten generated names and to derive its advisory lock key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace migrate::core {

// Longer identifiers (and application_name values) are cut by PostgreSQL.
inline constexpr size_t k_max_identifier_bytes = 63;

// FNV-1a, 32 bits: the same on every machine and in every release.
inline uint32_t fnv1a(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace migrate::core
