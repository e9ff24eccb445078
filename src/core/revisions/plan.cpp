#include "core/revisions/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/suggest.hpp"

namespace migrate::core {

namespace {

std::string describe_heads(const RevisionGraph& graph, const std::vector<std::string>& heads) {
  std::string text;
  for (const auto& id : heads) {
    const Revision& revision = graph.get(id);
    text += fmt::format("\n  {}  {}  ({})", id, revision.message, revision.path);
  }
  std::vector<std::string> points = branch_points(graph, heads);
  if (!points.empty()) text += fmt::format("\n  branched from {}", fmt::join(points, ", "));
  return text;
}

bool is_relative(const std::string& spec) {
  return spec.size() >= 2 && (spec[0] == '+' || spec[0] == '-') &&
         std::all_of(spec.begin() + 1, spec.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t relative_count(const std::string& spec) {
  return static_cast<size_t>(std::strtoul(spec.c_str() + 1, nullptr, 10));
}

bool is_applied(const AppliedPhases& applied, const std::string& id) {
  return applied.count(id) != 0;
}

const char* plural(size_t count) { return count == 1 ? "" : "s"; }

// Alembic refuses a relative step past the end; going quietly to head or base
// instead surprises whoever typed the number.
Error too_many_steps(const std::string& spec, size_t available, const char* state,
                     const std::string& all) {
  const char* verb = spec[0] == '+' ? "upgrade" : "downgrade";
  std::string hint =
      available == 0
          ? fmt::format("nothing is {}; `migrate status` shows where the database is", state)
          : fmt::format("use `migrate {} {}{}`, or `migrate {} {}` for all of them", verb, spec[0],
                        available, verb, all);
  const size_t count = relative_count(spec);
  return usage_error(
      fmt::format("cannot {} {} step{}: {} revision{} {} {}", verb, count, plural(count), available,
                  plural(available), available == 1 ? "is" : "are", state),
      hint);
}

}  // namespace

MultipleHeadsError::MultipleHeadsError(const RevisionGraph& graph, std::vector<std::string> heads)
    : Error(
          ExitCode::multiple_heads,
          fmt::format("the migration files have {} heads:{}", heads.size(),
                      describe_heads(graph, heads)),
          "run `migrate resolve-branch` to join them with a merge revision, or name `heads` as the "
          "target to apply every branch on purpose"),
      m_heads(std::move(heads)) {}

std::string resolve_revision(const RevisionGraph& graph, const std::string& spec) {
  if (graph.contains(spec)) return spec;
  // A short prefix is too easily a typo or a number (`stamp 0`) that happens
  // to match some id.
  if (spec.size() < k_min_prefix)
    throw usage_error(
        fmt::format(
            "no revision '{}': it is not a whole id, and a prefix needs at least {} characters{}",
            spec, k_min_prefix, did_you_mean(spec, {"head", "heads", "base"})),
        fmt::format(
            "give the whole id or its first {} characters or more; `migrate history` lists them",
            k_min_prefix));
  std::vector<std::string> candidates = graph.matching_prefix(spec);
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) {
    // A suggestion only: the target is never guessed.
    std::vector<std::string> words = graph.order();
    words.insert(words.end(), {"head", "heads", "base"});
    throw usage_error(
        fmt::format("no revision '{}' in the migration files{}", spec, did_you_mean(spec, words)),
        k_targets);
  }
  throw usage_error(
      fmt::format("revision prefix '{}' is ambiguous: {}", spec, fmt::join(candidates, ", ")),
      "give more characters of the id");
}

std::vector<std::string> branch_points(const RevisionGraph& graph,
                                       const std::vector<std::string>& ids) {
  if (ids.size() < 2) return {};
  std::vector<bool> common = graph.closure_up({ids.front()});
  for (size_t i = 1; i < ids.size(); ++i) {
    std::vector<bool> other = graph.closure_up({ids[i]});
    for (size_t j = 0; j < common.size(); ++j) common[j] = common[j] && other[j];
  }
  std::vector<std::string> points;
  for (size_t j = 0; j < common.size(); ++j) {
    if (!common[j]) continue;
    bool latest = true;
    for (const auto& child : graph.children(graph.order()[j]))
      latest = latest && !common[graph.position(child)];
    if (latest) points.push_back(graph.order()[j]);
  }
  std::sort(points.begin(), points.end());
  return points;
}

std::vector<bool> revision_range(const RevisionGraph& graph, const std::string& range) {
  size_t colon = range.find(':');
  if (colon == std::string::npos || range.find(':', colon + 1) != std::string::npos)
    throw usage_error(fmt::format("'{}' is not a range", range),
                      "a range is A:B (A, B and what is between), A: (A and newer) or :B (B and "
                      "older); A may be base, B head");
  std::string lower = range.substr(0, colon), upper = range.substr(colon + 1);
  std::vector<bool> in(graph.size(), true);
  if (!lower.empty() && lower != "base") {
    std::string id = resolve_revision(graph, lower);
    in = graph.closure_down({id});
    lower = id;
  }
  if (!upper.empty() && upper != "head" && upper != "heads") {
    std::string id = resolve_revision(graph, upper);
    std::vector<bool> up = graph.closure_up({id});
    if (!lower.empty() && lower != "base" && !up[graph.position(lower)])
      throw usage_error(
          fmt::format("{} is not an ancestor of {}, so the range {} is empty", lower, id, range),
          "the older revision comes first: A:B");
    for (size_t i = 0; i < in.size(); ++i) in[i] = in[i] && up[i];
  }
  return in;
}

Plan plan_upgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                  const std::string& target) {
  std::string spec = target.empty() ? "head" : target;
  std::vector<std::string> wanted;
  size_t limit = graph.size();
  if (spec == "head") {
    if (graph.heads().size() > 1) throw MultipleHeadsError(graph, graph.heads());
    wanted = graph.heads();
  } else if (spec == "heads") {
    wanted = graph.heads();
  } else if (is_relative(spec) && spec[0] == '+') {
    if (graph.heads().size() > 1) throw MultipleHeadsError(graph, graph.heads());
    wanted = graph.heads();
    limit = relative_count(spec);
  } else if (is_relative(spec) || spec == "base") {
    throw usage_error(fmt::format("'{}' is a downgrade target", spec),
                      "use `migrate downgrade " + spec + "`");
  } else {
    wanted = {resolve_revision(graph, spec)};
  }
  Plan plan;
  std::vector<bool> needed = wanted.empty() ? std::vector<bool>() : graph.closure_up(wanted);
  for (size_t i = 0; i < needed.size(); ++i) {
    if (!needed[i]) continue;
    const std::string& id = graph.order()[i];
    auto found = applied.find(id);
    if (found == applied.end() || found->second == AppliedPhase::in_progress)
      plan.push_back({id, Phase::expand});
  }
  if (limit > plan.size() && is_relative(spec))
    throw too_many_steps(spec, plan.size(), "pending", "head");
  if (limit < plan.size()) plan.resize(limit);
  return plan;
}

Error downgrade_target_missing() {
  return usage_error(
      "downgrade needs a target: -N undoes the last N revisions, base undoes them all, and a "
      "revision id or prefix keeps that revision and undoes what came after it",
      "e.g. `migrate downgrade -1`; `migrate history` lists the ids");
}

Plan plan_downgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                    const std::string& target) {
  if (target.empty()) throw downgrade_target_missing();
  std::vector<std::string> applied_in_order;
  for (const auto& id : graph.order())
    if (is_applied(applied, id)) applied_in_order.push_back(id);

  std::vector<std::string> undo;
  if (target == "base") {
    undo = applied_in_order;
  } else if (is_relative(target) && target[0] == '-') {
    size_t count = relative_count(target);
    if (count > applied_in_order.size())
      throw too_many_steps(target, applied_in_order.size(), "applied", "base");
    undo.assign(applied_in_order.end() - static_cast<long>(count), applied_in_order.end());
  } else if (is_relative(target) || target == "head" || target == "heads") {
    throw usage_error(fmt::format("'{}' is an upgrade target", target),
                      "use `migrate upgrade " + target + "`");
  } else {
    std::vector<bool> keep = graph.closure_up({resolve_revision(graph, target)});
    for (const auto& id : applied_in_order)
      if (!keep[graph.position(id)]) undo.push_back(id);
  }
  Plan plan;
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
    AppliedPhase phase = applied.at(*it);
    plan.push_back({*it, phase == AppliedPhase::complete ? Phase::down : Phase::rollback});
  }
  return plan;
}

Plan plan_contract(const RevisionGraph& graph, const AppliedPhases& applied,
                   const std::string& target) {
  std::vector<bool> scope(graph.size(), true);
  if (!target.empty() && target != "head" && target != "heads")
    scope = graph.closure_up({resolve_revision(graph, target)});
  Plan plan;
  for (size_t i = 0; i < graph.size(); ++i) {
    const std::string& id = graph.order()[i];
    auto found = applied.find(id);
    if (scope[i] && found != applied.end() && found->second == AppliedPhase::expanded)
      plan.push_back({id, Phase::contract});
  }
  return plan;
}

StampPlan plan_stamp(const RevisionGraph& graph, const AppliedPhases& applied,
                     const std::string& target) {
  StampPlan plan;
  std::vector<bool> keep(graph.size(), false);
  if (target == "heads" || target == "head") {
    if (target == "head" && graph.heads().size() > 1)
      throw MultipleHeadsError(graph, graph.heads());
    keep = graph.closure_up(graph.heads());
  } else if (target != "base") {
    keep = graph.closure_up({resolve_revision(graph, target)});
  }
  // Counted first: at 50,000 revisions a growing vector's copies would be the peak.
  size_t to_record = 0;
  for (size_t i = 0; i < graph.size(); ++i)
    to_record += keep[i] && !is_applied(applied, graph.order()[i]);
  plan.record.reserve(to_record);
  for (size_t i = 0; i < graph.size(); ++i) {
    const std::string& id = graph.order()[i];
    if (keep[i] && !is_applied(applied, id)) plan.record.push_back(id);
  }
  for (size_t i = graph.size(); i-- > 0;) {
    const std::string& id = graph.order()[i];
    if (!keep[i] && is_applied(applied, id)) plan.forget.push_back(id);
  }
  return plan;
}

void refuse_drafts(const RevisionGraph& graph, const std::vector<std::string>& ids,
                   const std::string& would) {
  std::vector<FileProblem> problems;
  for (const auto& id : ids) {
    const Revision& revision = graph.get(id);
    if (!revision.is_draft()) continue;
    FileProblem problem = draft_problem(revision);
    problem.message += fmt::format(", and {}", would);
    problems.push_back(std::move(problem));
  }
  if (!problems.empty()) throw InvalidFilesError(std::move(problems));
}

}  // namespace migrate::core
