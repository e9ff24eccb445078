#include "core/checks/release_compatibility.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_set>

#include "core/revisions/revision_parser.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

using parse_tree::body_of;
using parse_tree::field;
using parse_tree::Node;
using parse_tree::text;
using parse_tree::type_of;

// "users" for public.users, "app.users" otherwise: as people write them.
std::string shown(const std::string& qualified) {
  const std::string k_public = "public.";
  return qualified.rfind(k_public, 0) == 0 ? qualified.substr(k_public.size()) : qualified;
}

std::string shown(const TableName& table) { return shown(table.display()); }

// OBJECT_MATVIEW -> "materialized view", OBJECT_TABLE -> "table".
std::string object_kind(const std::string& type) {
  if (type == "OBJECT_MATVIEW") return "materialized view";
  if (type == "OBJECT_FOREIGN_TABLE") return "foreign table";
  if (type == "OBJECT_TABCONSTRAINT") return "constraint";
  std::string kind = type.rfind("OBJECT_", 0) == 0 ? type.substr(7) : type;
  for (char& c : kind) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return kind;
}

std::string named(const std::string& kind, const std::string& name) {
  return name.empty() ? kind : kind + " " + shown(name);
}

void alter_table_changes(const Node& statement, std::vector<std::string>& out) {
  std::string table = parse_tree::relation_name(field(statement, "relation"));
  for (const Node& item : field(statement, "cmds")) {
    const Node& command = field(item, "AlterTableCmd");
    std::string subtype = text(command, "subtype");
    std::string column = shown(table + "." + text(command, "name"));
    if (subtype == "AT_DropColumn")
      out.push_back("drops " + column);
    else if (subtype == "AT_AlterColumnType")
      out.push_back("changes the type of " + column);
    else if (subtype == "AT_SetNotNull")
      out.push_back("makes " + column + " NOT NULL");
    else if (subtype == "AT_ColumnDefault" && field(command, "def").is_null())
      out.push_back("drops the default of " + column);
    else if (subtype == "AT_DropIdentity")
      out.push_back("drops the identity of " + column);
  }
}

void rename_changes(const Node& statement, std::vector<std::string>& out) {
  std::string type = text(statement, "renameType");
  std::string new_name = text(statement, "newname");
  const Node& relation = field(statement, "relation");
  std::string table = relation.is_null() ? "" : parse_tree::relation_name(relation);
  if (type == "OBJECT_COLUMN")
    out.push_back(
        fmt::format("renames {} to {}", shown(table + "." + text(statement, "subname")), new_name));
  else if (!table.empty())
    out.push_back(fmt::format("renames {} to {}", named(object_kind(type), table), new_name));
  else
    out.push_back(fmt::format("renames a {} to {}", object_kind(type), new_name));
}

// The phrases of one parsed statement that changes what old code reads.
std::vector<std::string> statement_changes(const Node& node) {
  std::vector<std::string> out;
  std::string type = type_of(node);
  const Node& statement = body_of(node);
  if (type == "DropStmt") {
    std::string kind = object_kind(text(statement, "removeType"));
    std::vector<std::string> names;
    for (const Node& object : field(statement, "objects"))
      names.push_back(shown(parse_tree::object_name(object)));
    names.erase(std::remove(names.begin(), names.end(), std::string()), names.end());
    out.push_back(names.empty() ? "drops a " + kind
                                : fmt::format("drops {} {}", kind, fmt::join(names, ", ")));
  } else if (type == "RenameStmt") {
    rename_changes(statement, out);
  } else if (type == "AlterTableStmt") {
    alter_table_changes(statement, out);
  } else if (type == "AlterObjectSchemaStmt") {
    const Node& relation = field(statement, "relation");
    std::string what = object_kind(text(statement, "objectType"));
    if (!relation.is_null()) what = named(what, parse_tree::relation_name(relation));
    out.push_back(fmt::format("moves {} to schema {}", what, text(statement, "newschema")));
  } else if (type == "DoStmt") {
    out.push_back("runs a DO block, whose effect migrate cannot read");
  } else if (type == "GrantStmt" && !parse_tree::flag(statement, "is_grant")) {
    out.push_back("revokes privileges");
  }
  return out;
}

// The steps that ran in the expand phase and came from SQL a person wrote: a
// SQL file's up section, or the `up` of a YAML `sql` operation. The SQL YAML
// operations render is additive by design in expand.
std::vector<Step> written_expand_steps(const Revision& revision) {
  if (revision.format == RevisionFormat::sql) return steps_for(revision, Phase::expand);
  std::vector<Step> steps;
  for (const auto& operation : revision.operations) {
    if (!std::holds_alternative<SqlOp>(operation.spec)) continue;
    for (auto& step : render_operations({operation}, Phase::expand, revision.id, revision.path))
      steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<std::string> operation_effects(const Revision& revision, const Operation& operation) {
  std::vector<std::string> out;
  const OperationSpec& spec = operation.spec;
  if (const auto* op = std::get_if<DropColumnOp>(&spec)) {
    out.push_back("drops " + shown(op->table) + "." + op->column);
  } else if (const auto* op = std::get_if<AlterColumnOp>(&spec)) {
    std::string column = shown(op->table) + "." + op->column;
    if (op->renames())
      out.push_back(fmt::format("drops {} (renamed {})", column, op->name));
    else if (op->has_new_column())
      out.push_back(fmt::format("changes the type of {} to {}", column, op->type));
    if (op->nullable && !*op->nullable)
      out.push_back(fmt::format("makes {}.{} NOT NULL", shown(op->table),
                                op->renames() ? op->name : op->column));
  } else if (const auto* op = std::get_if<AddColumnOp>(&spec)) {
    if (!op->nullable)
      out.push_back(fmt::format("makes {}.{} NOT NULL", shown(op->table), op->column));
  } else if (const auto* op = std::get_if<DropIndexOp>(&spec)) {
    out.push_back("drops index " + shown(op->index));
  } else if (const auto* op = std::get_if<DropTableOp>(&spec)) {
    out.push_back("drops table " + shown(op->table));
  } else if (std::holds_alternative<SqlOp>(spec)) {
    try {
      out = old_shape_changes(
          render_operations({operation}, Phase::contract, revision.id, revision.path));
    } catch (const SplitError& error) {
      out.push_back(fmt::format("runs contract SQL that cannot be split ({}:{})", revision.path,
                                error.line()));
    }
  }
  return out;
}

// "(drops users.name, which v1.0.1 reads)": what a contract took from `reader`.
std::string contract_clause(const std::vector<std::string>& effects, const std::string& reader) {
  if (effects.empty()) return fmt::format("{} was written for the shape before it", reader);
  bool removes = std::all_of(effects.begin(), effects.end(),
                             [](const std::string& e) { return e.rfind("drops ", 0) == 0; });
  if (removes) return fmt::format("{}, which {} reads", fmt::join(effects, ", "), reader);
  return fmt::format("{}; {} was written for the shape before it", fmt::join(effects, ", "),
                     reader);
}

// The revision behind an applied row: from the files, else the database's copy.
std::optional<Revision> revision_of(const AppliedRevision& record, const RevisionGraph& files) {
  if (const Revision* revision = files.find(record.id)) return *revision;
  if (record.content.empty()) return std::nullopt;
  std::vector<FileProblem> problems;
  std::string path = record.path.empty() ? record.id + ".sql" : record.path;
  return parse_revision({path, record.content}, problems);
}

ReleaseFinding unknown_finding(const AppliedRevision& record, const Release& release,
                               const RevisionGraph& files) {
  ReleaseFinding finding{record.id, ReleaseFinding::Kind::unreadable, false, ""};
  std::optional<Revision> revision = revision_of(record, files);
  if (!revision) {
    finding.reason = fmt::format(
        "{} unknown to {}, and neither these files nor the database hold a copy migrate can read: "
        "what it changed cannot be told",
        record.id, release.name);
    return finding;
  }
  const bool contracting =
      record.phase == AppliedPhase::in_progress && record.running_phase == Phase::contract;
  if (contracting || (record.phase == AppliedPhase::complete && revision->has_contract())) {
    finding.kind = ReleaseFinding::Kind::contracted;
    finding.reason =
        fmt::format("{} {} ({})", record.id, contracting ? "contracting" : "contracted",
                    contract_clause(contract_effects(*revision), release.name));
    return finding;
  }
  std::vector<std::string> changes;
  try {
    changes = old_shape_changes(written_expand_steps(*revision));
  } catch (const SplitError& error) {
    finding.reason =
        fmt::format("{} unknown to {}: its up section cannot be split ({}:{}: {})", record.id,
                    release.name, revision->path, error.line(), error.what());
    return finding;
  }
  if (!changes.empty()) {
    finding.kind = ReleaseFinding::Kind::changed;
    finding.reason = fmt::format(
        "{} changed the old shape in its up section, with no contract split ({}), which {} may "
        "read",
        record.id, fmt::join(changes, "; "), release.name);
    return finding;
  }
  finding.compatible = true;
  std::vector<std::string> known_parents;
  for (const auto& parent : record.parents)
    if (release.graph.contains(parent)) known_parents.push_back(parent);
  std::string on_top =
      known_parents.empty() ? "" : fmt::format(", on top of {}", fmt::join(known_parents, ", "));
  if (record.phase == AppliedPhase::complete) {
    finding.kind = ReleaseFinding::Kind::only_adds;
    finding.reason = fmt::format("{} unknown to {}{}: its up section only adds", record.id,
                                 release.name, on_top);
    return finding;
  }
  finding.kind = ReleaseFinding::Kind::expanded;
  std::vector<std::string> effects = contract_effects(*revision);
  finding.reason =
      fmt::format("{} only expanded{}: the old shape is still there{}", record.id, on_top,
                  effects.empty() ? std::string()
                                  : fmt::format(" (its contract {})", fmt::join(effects, ", ")));
  return finding;
}

}  // namespace

const char* to_string(ReleaseFinding::Kind kind) {
  switch (kind) {
    case ReleaseFinding::Kind::known:
      return "known";
    case ReleaseFinding::Kind::needed:
      return "needed";
    case ReleaseFinding::Kind::expanded:
      return "expanded";
    case ReleaseFinding::Kind::contracted:
      return "contracted";
    case ReleaseFinding::Kind::changed:
      return "changed";
    case ReleaseFinding::Kind::only_adds:
      return "only_adds";
    case ReleaseFinding::Kind::unreadable:
      return "unreadable";
  }
  return "?";
}

std::string ReleaseVerdict::summary() const {
  std::vector<std::string> reasons;
  for (const auto& finding : findings)
    if (!finding.compatible) reasons.push_back(finding.reason);
  return fmt::format("{}", fmt::join(reasons, "; "));
}

std::vector<std::string> old_shape_changes(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const Step& step : steps) {
    if (step.kind != Step::Kind::statement || step.precheck) continue;
    ParsedSql parsed = parse_sql(step.sql);
    if (!parsed.error.empty()) {
      out.push_back(
          fmt::format("has SQL migrate cannot parse at {} ({})", step.origin(), parsed.error));
      continue;
    }
    for (const Node& statement : parsed.statements)
      for (auto& change : statement_changes(statement))
        out.push_back(fmt::format("{} at {}", change, step.origin()));
  }
  return out;
}

std::vector<std::string> contract_effects(const Revision& revision) {
  std::vector<std::string> effects;
  if (revision.format == RevisionFormat::sql) {
    std::vector<Step> steps;
    try {
      steps = steps_for(revision, Phase::contract);
    } catch (const SplitError& error) {
      return {fmt::format("runs a contract section that cannot be split ({}:{})", revision.path,
                          error.line())};
    }
    effects = old_shape_changes(steps);
    if (effects.empty() && !steps.empty())
      effects.push_back(fmt::format("runs its contract section ({})", steps.front().origin()));
    return effects;
  }
  for (const auto& operation : revision.operations)
    for (auto& effect : operation_effects(revision, operation))
      effects.push_back(std::move(effect));
  return effects;
}

ReleaseVerdict release_compatibility(const std::vector<AppliedRevision>& applied,
                                     const Release& release, const RevisionGraph& files) {
  ReleaseVerdict verdict;
  std::unordered_set<std::string> applied_ids;
  for (const auto& record : applied) {
    applied_ids.insert(record.id);
    if (!release.graph.contains(record.id)) {
      verdict.findings.push_back(unknown_finding(record, release, files));
      continue;
    }
    // Interrupted while expanding: the release's code may use what the rest adds.
    bool expanding =
        record.phase == AppliedPhase::in_progress && record.running_phase != Phase::contract;
    if (expanding)
      verdict.findings.push_back(
          {record.id, ReleaseFinding::Kind::needed, false,
           fmt::format("{} still expanding (interrupted or running), which {} needs complete",
                       record.id, release.name)});
    else
      verdict.findings.push_back({record.id, ReleaseFinding::Kind::known, true,
                                  fmt::format("{} applied, known to {}", record.id, release.name)});
  }
  for (const auto& id : release.graph.order()) {
    if (applied_ids.count(id)) continue;
    verdict.findings.push_back({id, ReleaseFinding::Kind::needed, false,
                                fmt::format("{} pending ({}), which {} needs", id,
                                            release.graph.get(id).message, release.name)});
  }
  for (const auto& finding : verdict.findings)
    verdict.compatible = verdict.compatible && finding.compatible;
  return verdict;
}

std::vector<std::string> live_release_conflicts(const std::vector<std::string>& contracting,
                                                const RevisionGraph& files,
                                                const std::vector<Release>& live) {
  std::vector<std::string> conflicts;
  for (const auto& id : contracting) {
    const Revision& revision = files.get(id);
    for (const auto& release : live) {
      if (release.graph.contains(id)) continue;
      std::vector<std::string> effects = contract_effects(revision);
      conflicts.push_back(fmt::format(
          "{} ({}): its contract {}, which live release {} still reads ({} does not know this "
          "revision)",
          id, revision.message,
          effects.empty() ? std::string("removes the shape before it")
                          : fmt::format("{}", fmt::join(effects, ", ")),
          release.name, release.name));
    }
  }
  return conflicts;
}

}  // namespace migrate::core
