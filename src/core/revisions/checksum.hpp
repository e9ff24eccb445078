// Checksums of revision content, written as "algorithm:version:hash" so that a
// later change of normalisation (a new version) never invalidates databases.
#pragma once

#include <string>
#include <string_view>

namespace migrate::core {

// Version 1: every run of whitespace (spaces, tabs, line ends, blank lines)
// becomes one space and the ends are trimmed, then SHA-256. So re-indenting,
// blank lines, CRLF and trailing spaces do not count as changes; note that
// whitespace inside string literals is folded too. Returns
// "sha256:1:<64 hex digits>".
std::string checksum(std::string_view content);

// The normalised text version 1 hashes (exposed for tests).
std::string normalize_for_checksum(std::string_view content);

// True when `recorded` (any supported version) matches `content`.
bool checksum_matches(std::string_view recorded, std::string_view content);

}  // namespace migrate::core
