#include "core/revisions/checksum.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace migrate::core {

std::string normalize_for_checksum(std::string_view content) {
  // Whitespace-only edits (re-indenting, blank lines, CRLF, trailing spaces)
  // must not make an applied revision "changed": every run of whitespace
  // becomes one space, and leading and trailing whitespace goes.
  std::string out;
  out.reserve(content.size());
  bool pending_space = false;
  for (char c : content) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

static std::string sha256_hex(std::string_view data) {
  // Fetching the algorithm once (OpenSSL 3) saves a lookup on every file.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!sha256 || EVP_Digest(data.data(), data.size(), digest, &length, sha256, nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

std::string checksum(std::string_view content) {
  return "sha256:1:" + sha256_hex(normalize_for_checksum(content));
}

bool checksum_matches(std::string_view recorded, std::string_view content) {
  // Only version 1 exists so far; an unknown version never matches, so it is
  // reported rather than silently accepted.
  return recorded == checksum(content);
}

}  // namespace migrate::core
