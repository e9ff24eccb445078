// Checksums of revision content, written as "algorithm:version:hash" so that a
// later change of normalisation (a new version) never invalidates databases.
#pragma once

#include <string>
#include <string_view>

namespace migrate::core {

// Version 1: CRLF/CR become LF, trailing whitespace on each line and trailing
// blank lines are dropped, then SHA-256. Returns "sha256:1:<64 hex digits>".
std::string checksum(std::string_view content);

// The normalised text version 1 hashes (exposed for tests).
std::string normalize_for_checksum(std::string_view content);

// True when `recorded` (any supported version) matches `content`.
bool checksum_matches(std::string_view recorded, std::string_view content);

}  // namespace migrate::core
