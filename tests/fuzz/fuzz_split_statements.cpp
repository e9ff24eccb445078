// Any bytes as a section of SQL: split into statements, or refused with a
// runtime_error naming the line, never anything else.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/sql/sql_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    migrate::core::split_statements(text);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
