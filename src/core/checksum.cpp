#include "core/checksum.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace migrate::core {

std::string normalize_for_checksum(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  std::string line;
  auto flush_line = [&] {
    size_t end = line.find_last_not_of(" \t\f\v");
    out.append(line, 0, end == std::string::npos ? 0 : end + 1);
    out += '\n';
    line.clear();
  };
  for (size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (c == '\r') {
      if (i + 1 < content.size() && content[i + 1] == '\n') ++i;
      flush_line();
    } else if (c == '\n') {
      flush_line();
    } else {
      line += c;
    }
  }
  if (!line.empty()) flush_line();
  while (out.size() >= 1 && out.back() == '\n' &&
         (out.size() == 1 || out[out.size() - 2] == '\n'))
    out.pop_back();
  return out;
}

static std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
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
