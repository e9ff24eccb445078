// Any bytes as an SQL revision file: parsed, and when valid, split into the
// steps of every phase and linted, as `migrate lint` does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_revision.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  migrate::fuzz::check_revision("r.sql", std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
