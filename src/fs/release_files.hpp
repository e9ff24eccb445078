// Another release's migrations, for `status --for-release` and `contract
// --live-release`: a directory (a checkout of that release), or `git:REF:PATH`
// read with `git show` from the repository, without a checkout.
#pragma once

#include <string>

#include "core/checks/release_compatibility.hpp"

namespace migrate::fs {

// Reads and validates the release named by `spec`. A directory is named by
// `git describe` when git tracks it, else by the path as given; `git:REF:PATH`
// is named REF and read from the repository that holds `repository_dir` (PATH
// from the repository's top). Throws a usage Error naming the spec when it
// cannot be read, InvalidFilesError for invalid files.
core::Release read_release(const std::string& spec, const std::string& repository_dir);

}  // namespace migrate::fs
