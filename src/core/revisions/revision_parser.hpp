// Parses one revision file (SQL or YAML, chosen by extension) into a Revision.
// Problems are collected, each with file and line, so the loader can report
// every problem in the directory at once.
#pragma once

#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

// The file's format from its name: .sql, .yaml/.yml; nullopt for anything else.
std::optional<RevisionFormat> format_of(const std::string& path);

// Returns the revision, or nullopt when the file had problems (appended to
// `problems`). The file's content and path move into the revision rather than
// being copied (a large history's load then holds each file once); a file with
// problems is left as it was.
std::optional<Revision> parse_revision(SourceFile&& file, std::vector<FileProblem>& problems);

// One format's reader, for parse_revision: the revision without its content,
// which parse_revision then gives it.
std::optional<Revision> parse_sql_revision(const SourceFile& file,
                                           std::vector<FileProblem>& problems);
std::optional<Revision> parse_yaml_revision(const SourceFile& file,
                                            std::vector<FileProblem>& problems);

// The id a file declares, found without full parsing ("" when none): used to
// tell "parent missing" from "parent's file is invalid".
std::string declared_id(const SourceFile& file);

// Splits a parents value ("a b", "a, b") into ids.
std::vector<std::string> split_ids(const std::string& value);

}  // namespace migrate::core
