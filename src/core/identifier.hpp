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

// FNV-1a: the same on every machine and in every release.
template <class Hash, Hash k_offset, Hash k_prime>
Hash fnv1a_of(std::string_view text) {
  Hash hash = k_offset;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= k_prime;
  }
  return hash;
}

// 32 bits: generated names and the advisory lock key.
inline uint32_t fnv1a(std::string_view text) {
  return fnv1a_of<uint32_t, 2166136261u, 16777619u>(text);
}

// 64 bits: the cache of parsed files.
inline uint64_t fnv1a_64(std::string_view text) {
  return fnv1a_of<uint64_t, 14695981039346656037ULL, 1099511628211ULL>(text);
}

}  // namespace migrate::core
