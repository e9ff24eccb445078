// The JSON documents migrate prints with --json: every one is an object with
// a `format_version`, and a failure is an error document whose `kind` says
// which failure it is and whose fields carry its data (docs/json.md).
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "commands/environment.hpp"

namespace migrate::commands {

// Raised when a document's fields change incompatibly (a field removed or
// its meaning changed); new fields do not change it.
constexpr int k_json_format_version = 1;

// `document` (an object) with `format_version` added.
nlohmann::json json_document(nlohmann::json document);

// Writes json_document(document) to the results stream, then a newline.
void write_json(const Environment& env, nlohmann::json document);

// The error document of a failure: format_version, kind, error (the
// message), hint, exit_code, and the failure's data where it has some:
// problems[] (invalid files), findings[] (lint), unknown[] (unknown
// revisions), changed[], heads[], sqlstate/statement (database errors),
// unadopted (what another tool left). `kind` is "internal" for an exception
// that is not a migrate::Error.
nlohmann::json error_document(const std::exception& error);

// The error document of a command line migrate could not parse (exit 2).
nlohmann::json usage_error_document(const std::string& message, const std::string& hint);

}  // namespace migrate::commands
