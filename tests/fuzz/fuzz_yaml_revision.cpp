// Any bytes as a YAML revision file: parsed, and when valid, rendered into the
// steps of every phase and linted, as `migrate lint` does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_revision.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  migrate::fuzz::check_revision("r.yaml", std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
