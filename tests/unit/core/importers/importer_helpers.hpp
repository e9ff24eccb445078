// Shared by the importer tests: the error text of a refused import, and the
// revision a rendered history holds, parsed back as the loader reads it.
#pragma once

#include "core/importers/imported_history.hpp"
#include "support/test_helpers.hpp"

namespace migrate::test {

template <typename Import>
std::string import_error(Import import, const std::vector<core::SourceFile>& files) {
  try {
    import(files);
  } catch (const Error& error) {
    CHECK(error.code() == ExitCode::usage);
    return error.what();
  }
  FAIL("the import was not refused");
  return {};
}

// The history rendered to files and loaded back into a graph.
inline core::RevisionGraph loaded(const core::ImportedHistory& history, core::ImportTool tool) {
  return core::load_revisions(core::render_history(history, tool, "migrations"));
}

}  // namespace migrate::test
