// PostgreSQL's limit on identifier length, and the stable hashes migrate uses
// to shorten generated names, to derive its advisory lock key and to check
// and name its cache files.
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

// FNV-1a, 64 bits, likewise.
inline uint64_t fnv1a_64(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace migrate::core
