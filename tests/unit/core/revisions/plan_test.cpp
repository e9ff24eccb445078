// Plans for upgrade, downgrade, contract and stamp, from a graph built inline and
// the phases the database has recorded.
#include "core/revisions/plan.hpp"

#include "support/test_helpers.hpp"

using migrate::Error;
using migrate::ExitCode;
using migrate::core::AppliedPhase;
using migrate::core::AppliedPhases;
using migrate::core::MultipleHeadsError;
using migrate::core::RevisionGraph;
using migrate::test::error_from;
using migrate::test::graph_of;
using migrate::test::steps_of;
using Strings = std::vector<std::string>;

namespace {

constexpr AppliedPhase complete = AppliedPhase::complete;
constexpr AppliedPhase expanded = AppliedPhase::expanded;
constexpr AppliedPhase in_progress = AppliedPhase::in_progress;

// a -> b -> c -> d
RevisionGraph chain() { return graph_of({{"a", ""}, {"b", "a"}, {"c", "b"}, {"d", "c"}}); }

// a -> b1 -> b2 and a -> c1: two heads, branched at a.
RevisionGraph branched() { return graph_of({{"a", ""}, {"b1", "a"}, {"b2", "b1"}, {"c1", "a"}}); }

// a -> b, a -> c, (b, c) -> m -> n
RevisionGraph merged() {
  return graph_of({{"a", ""}, {"b", "a"}, {"c", "a"}, {"m", "b c"}, {"n", "m"}});
}

Strings upgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                const std::string& target) {
  return steps_of(migrate::core::plan_upgrade(graph, applied, target));
}

Strings downgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                  const std::string& target) {
  return steps_of(migrate::core::plan_downgrade(graph, applied, target));
}

Strings contract(const RevisionGraph& graph, const AppliedPhases& applied,
                 const std::string& target) {
  return steps_of(migrate::core::plan_contract(graph, applied, target));
}

}  // namespace

TEST_CASE("plan_upgrade: to head from an empty database runs everything, parents first") {
  auto graph = chain();
  CHECK(upgrade(graph, {}, "head") == Strings{"a:expand", "b:expand", "c:expand", "d:expand"});
  CHECK(upgrade(graph, {}, "") == Strings{"a:expand", "b:expand", "c:expand", "d:expand"});
}

TEST_CASE("plan_upgrade: applied revisions are skipped") {
  auto graph = chain();
  CHECK(upgrade(graph, {{"a", complete}, {"b", complete}}, "head") ==
        Strings{"c:expand", "d:expand"});
  CHECK(upgrade(graph, {{"a", complete}, {"b", complete}, {"c", complete}, {"d", complete}},
                "head") == Strings{});
}

TEST_CASE("plan_upgrade: an expanded revision is not run again") {
  CHECK(upgrade(chain(), {{"a", complete}, {"b", expanded}}, "head") ==
        Strings{"c:expand", "d:expand"});
}

TEST_CASE("plan_upgrade: an in-progress revision is planned again") {
  CHECK(upgrade(chain(), {{"a", complete}, {"b", in_progress}}, "head") ==
        Strings{"b:expand", "c:expand", "d:expand"});
}

TEST_CASE("plan_upgrade: to an id runs only that revision and its ancestors") {
  auto graph = chain();
  CHECK(upgrade(graph, {}, "b") == Strings{"a:expand", "b:expand"});
  CHECK(upgrade(graph, {{"a", complete}, {"b", complete}, {"c", complete}}, "b") == Strings{});
}

TEST_CASE("plan_upgrade: to an id on one branch leaves the other branch alone") {
  CHECK(upgrade(branched(), {}, "b2") == Strings{"a:expand", "b1:expand", "b2:expand"});
  CHECK(upgrade(branched(), {{"a", complete}}, "c1") == Strings{"c1:expand"});
}

TEST_CASE("plan_upgrade: to a unique prefix") {
  auto graph = graph_of({{"8fb4c8c111aa", ""}, {"a5d47eb28402", "8fb4c8c111aa"}});
  CHECK(upgrade(graph, {}, "8fb4") == Strings{"8fb4c8c111aa:expand"});
  CHECK(upgrade(graph, {}, "a5d4") == Strings{"8fb4c8c111aa:expand", "a5d47eb28402:expand"});
}

TEST_CASE("plan_upgrade: +N runs the next N pending revisions") {
  auto graph = chain();
  CHECK(upgrade(graph, {}, "+1") == Strings{"a:expand"});
  CHECK(upgrade(graph, {{"a", complete}}, "+2") == Strings{"b:expand", "c:expand"});
  CHECK(upgrade(graph, {{"a", complete}}, "+0") == Strings{});
  CHECK(upgrade(graph, {{"a", complete}}, "+3") == Strings{"b:expand", "c:expand", "d:expand"});
}

TEST_CASE("plan_upgrade: +N past the last pending revision is refused, saying how many there are") {
  auto graph = chain();
  auto error = error_from([&] { migrate::core::plan_upgrade(graph, {{"a", complete}}, "+1000"); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "cannot upgrade 1000 steps: 3 revisions are pending");
  CHECK(error.hint() == "use `migrate upgrade +3`, or `migrate upgrade head` for all of them");
  auto one = error_from([&] {
    migrate::core::plan_upgrade(graph, {{"a", complete}, {"b", complete}, {"c", complete}}, "+2");
  });
  CHECK(std::string(one.what()) == "cannot upgrade 2 steps: 1 revision is pending");
  auto none = error_from([&] {
    migrate::core::plan_upgrade(
        graph, {{"a", complete}, {"b", complete}, {"c", complete}, {"d", complete}}, "+1");
  });
  CHECK(std::string(none.what()) == "cannot upgrade 1 step: 0 revisions are pending");
  CHECK(none.hint() == "nothing is pending; `migrate status` shows where the database is");
}

TEST_CASE("plan_upgrade: head with two heads is refused with exit code 4") {
  auto graph = branched();
  auto error =
      error_from<MultipleHeadsError>([&] { migrate::core::plan_upgrade(graph, {}, "head"); });
  CHECK(error.code() == ExitCode::multiple_heads);
  CHECK(static_cast<int>(error.code()) == 4);
  CHECK(error.heads() == Strings{"b2", "c1"});
  CHECK(std::string(error.what()) ==
        "the migration files have 2 heads:\n"
        "  b2  add b2  (b2.sql)\n"
        "  c1  add c1  (c1.sql)\n"
        "  branched from a");
  CHECK_THAT(error.hint(),
             Catch::Contains("`migrate resolve-branch`") && Catch::Contains("`heads`"));
  CHECK_THROWS_AS(migrate::core::plan_upgrade(graph, {}, ""), MultipleHeadsError);
}

TEST_CASE("MultipleHeadsError: heads without a common ancestor name no branch point") {
  auto graph = graph_of({{"a", ""}, {"b", ""}});
  auto error =
      error_from<MultipleHeadsError>([&] { migrate::core::plan_upgrade(graph, {}, "head"); });
  CHECK(std::string(error.what()) ==
        "the migration files have 2 heads:\n  a  add a  (a.sql)\n  b  add b  (b.sql)");
}

// "+1" with two heads does not say which branch to advance, exactly like
// "head"; picking the branch whose id sorts first is a guess.
TEST_CASE("plan_upgrade: +N with two heads is refused with exit code 4") {
  auto graph = branched();
  auto error = error_from<MultipleHeadsError>([&] {
    migrate::core::plan_upgrade(graph, {{"a", complete}}, "+1");
  });
  CHECK(error.heads() == Strings{"b2", "c1"});
}

TEST_CASE("plan_upgrade: heads runs every branch") {
  CHECK(upgrade(branched(), {}, "heads") ==
        Strings{"a:expand", "b1:expand", "b2:expand", "c1:expand"});
  CHECK(upgrade(branched(), {{"a", complete}, {"c1", complete}}, "heads") ==
        Strings{"b1:expand", "b2:expand"});
}

TEST_CASE("plan_upgrade: a diamond runs each revision once, the merge last") {
  CHECK(upgrade(merged(), {}, "head") ==
        Strings{"a:expand", "b:expand", "c:expand", "m:expand", "n:expand"});
  CHECK(upgrade(merged(), {{"a", complete}, {"c", complete}}, "m") ==
        Strings{"b:expand", "m:expand"});
}

TEST_CASE("plan_upgrade: an empty graph has nothing to do") {
  RevisionGraph graph;
  CHECK(upgrade(graph, {}, "head") == Strings{});
  CHECK(upgrade(graph, {}, "heads") == Strings{});
}

TEST_CASE("plan_upgrade: downgrade targets are usage errors") {
  auto graph = chain();
  auto error = error_from([&] { migrate::core::plan_upgrade(graph, {}, "-1"); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "'-1' is a downgrade target");
  CHECK(error.hint() == "use `migrate downgrade -1`");
  CHECK(std::string(error_from([&] { migrate::core::plan_upgrade(graph, {}, "base"); }).what()) ==
        "'base' is a downgrade target");
}

TEST_CASE("resolve_revision: an ambiguous prefix lists the candidates") {
  auto graph = graph_of({{"8fb4aa", ""}, {"8fb4a1", "8fb4aa"}, {"77aa00", "8fb4a1"}});
  auto error = error_from([&] { migrate::core::plan_upgrade(graph, {}, "8fb4"); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "revision prefix '8fb4' is ambiguous: 8fb4a1, 8fb4aa");
  CHECK(error.hint() == "give more characters of the id");
}

TEST_CASE("resolve_revision: an unknown revision is a usage error") {
  auto graph = chain();
  auto error = error_from([&] { migrate::core::resolve_revision(graph, "zzzz"); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "no revision 'zzzz' in the migration files");
  CHECK(error.hint() ==
        "a target is head, heads, +N (upgrade), base, -N (downgrade), or a revision id or a "
        "prefix of it; `migrate history` lists the ids");
}

TEST_CASE("resolve_revision: a misspelt target gets a suggestion, never a guess") {
  auto graph = graph_of({{"8fb4c8c111aa", ""}});
  auto error = error_from([&] { migrate::core::resolve_revision(graph, "haed"); });
  CHECK(std::string(error.what()) ==
        "no revision 'haed' in the migration files (did you mean 'head'?)");
  auto id = error_from([&] { migrate::core::resolve_revision(graph, "8fb4c8c111ab"); });
  CHECK(std::string(id.what()) ==
        "no revision '8fb4c8c111ab' in the migration files (did you mean '8fb4c8c111aa'?)");
}

TEST_CASE(
    "resolve_revision: a prefix shorter than 4 characters is refused, even when one id matches") {
  auto graph = graph_of({{"0a1b2c3d4e5f", ""}, {"8fb4c8c111aa", "0a1b2c3d4e5f"}});
  for (std::string spec : {"0", "0a", "0a1"}) {
    auto error = error_from([&] { migrate::core::resolve_revision(graph, spec); });
    CHECK(error.code() == ExitCode::usage);
    CHECK(std::string(error.what()) ==
          "no revision '" + spec +
              "': it is not a whole id, and a prefix needs at least 4 characters");
    CHECK(error.hint() ==
          "give the whole id or its first 4 characters or more; `migrate history` lists them");
  }
  CHECK(migrate::core::resolve_revision(graph, "0a1b") == "0a1b2c3d4e5f");
  CHECK(error_from([&] { migrate::core::plan_stamp(graph, {}, "0"); }).code() == ExitCode::usage);
}

TEST_CASE("resolve_revision: a whole id shorter than 4 characters is found") {
  CHECK(migrate::core::resolve_revision(chain(), "b") == "b");
}

TEST_CASE("resolve_revision: a full id wins over a longer id it prefixes") {
  auto graph = graph_of({{"ab", ""}, {"abc", "ab"}});
  CHECK(migrate::core::resolve_revision(graph, "ab") == "ab");
  CHECK(migrate::core::resolve_revision(graph, "abc") == "abc");
}

TEST_CASE("branch_points: the latest common ancestors of heads") {
  CHECK(migrate::core::branch_points(branched(), {"b2", "c1"}) == Strings{"a"});
  CHECK(migrate::core::branch_points(merged(), {"b", "c"}) == Strings{"a"});
  CHECK(migrate::core::branch_points(merged(), {"b", "n"}) == Strings{"b"});
  CHECK(migrate::core::branch_points(graph_of({{"a", ""}, {"b", ""}}), {"a", "b"}) == Strings{});
  CHECK(migrate::core::branch_points(branched(), {"b2"}) == Strings{});
}

TEST_CASE("branch_points: two forks in common give both") {
  // x and y are roots; p and q each merge both; p and q share x and y.
  auto graph = graph_of({{"x", ""}, {"y", ""}, {"p", "x y"}, {"q", "x y"}});
  CHECK(migrate::core::branch_points(graph, {"p", "q"}) == Strings{"x", "y"});
}

TEST_CASE("plan_downgrade: to an id undoes its descendants, newest first") {
  auto graph = chain();
  AppliedPhases all = {{"a", complete}, {"b", complete}, {"c", complete}, {"d", complete}};
  CHECK(downgrade(graph, all, "b") == Strings{"d:down", "c:down"});
  CHECK(downgrade(graph, all, "d") == Strings{});
  CHECK(downgrade(graph, {{"a", complete}, {"b", complete}}, "b") == Strings{});
}

TEST_CASE("plan_downgrade: an expanded revision rolls back, a complete one goes down") {
  auto graph = chain();
  AppliedPhases applied = {{"a", complete}, {"b", complete}, {"c", expanded}, {"d", expanded}};
  CHECK(downgrade(graph, applied, "a") == Strings{"d:rollback", "c:rollback", "b:down"});
}

TEST_CASE("plan_downgrade: -N undoes the last N applied revisions") {
  auto graph = chain();
  AppliedPhases applied = {{"a", complete}, {"b", complete}, {"c", complete}};
  CHECK(downgrade(graph, applied, "-1") == Strings{"c:down"});
  CHECK(downgrade(graph, applied, "-2") == Strings{"c:down", "b:down"});
  CHECK(downgrade(graph, applied, "-0") == Strings{});
  CHECK(downgrade(graph, applied, "-3") == Strings{"c:down", "b:down", "a:down"});
}

TEST_CASE(
    "plan_downgrade: -N past the first applied revision is refused, saying how many there are") {
  auto graph = chain();
  AppliedPhases applied = {{"a", complete}, {"b", complete}, {"c", complete}};
  auto error = error_from([&] { migrate::core::plan_downgrade(graph, applied, "-10"); });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) == "cannot downgrade 10 steps: 3 revisions are applied");
  CHECK(error.hint() == "use `migrate downgrade -3`, or `migrate downgrade base` for all of them");
  auto none = error_from([&] { migrate::core::plan_downgrade(graph, {}, "-1"); });
  CHECK(std::string(none.what()) == "cannot downgrade 1 step: 0 revisions are applied");
  CHECK(none.hint() == "nothing is applied; `migrate status` shows where the database is");
}

TEST_CASE("plan_downgrade: base undoes everything applied") {
  CHECK(downgrade(chain(), {{"a", complete}, {"b", expanded}}, "base") ==
        Strings{"b:rollback", "a:down"});
  CHECK(downgrade(chain(), {}, "base") == Strings{});
}

TEST_CASE("plan_downgrade: to one side of a merge undoes the merge and the other side") {
  auto graph = merged();
  AppliedPhases all = {
      {"a", complete}, {"b", complete}, {"c", complete}, {"m", complete}, {"n", complete}};
  CHECK(downgrade(graph, all, "b") == Strings{"n:down", "m:down", "c:down"});
  CHECK(downgrade(graph, all, "m") == Strings{"n:down"});
  CHECK(downgrade(graph, all, "-2") == Strings{"n:down", "m:down"});
  CHECK(downgrade(graph, all, "a") == Strings{"n:down", "m:down", "c:down", "b:down"});
}

TEST_CASE("plan_downgrade: only applied revisions are undone") {
  auto graph = branched();
  CHECK(downgrade(graph, {{"a", complete}, {"c1", complete}}, "a") == Strings{"c1:down"});
  CHECK(downgrade(graph, {{"a", complete}, {"b1", complete}, {"c1", complete}}, "b1") ==
        Strings{"c1:down"});
}

TEST_CASE("plan_downgrade: a prefix target is resolved") {
  auto graph = graph_of({{"8fb4c8c111aa", ""}, {"a5d47eb28402", "8fb4c8c111aa"}});
  CHECK(downgrade(graph, {{"8fb4c8c111aa", complete}, {"a5d47eb28402", complete}}, "8fb4") ==
        Strings{"a5d47eb28402:down"});
}

TEST_CASE("plan_downgrade: missing and upgrade targets are usage errors") {
  auto graph = chain();
  auto none = error_from([&] { migrate::core::plan_downgrade(graph, {}, ""); });
  CHECK(none.code() == ExitCode::usage);
  CHECK(std::string(none.what()) ==
        "downgrade needs a target: -N undoes the last N revisions, base undoes them all, and a "
        "revision id or prefix keeps that revision and undoes what came after it");
  CHECK(none.hint() == "e.g. `migrate downgrade -1`; `migrate history` lists the ids");
  for (std::string target : {"head", "heads", "+1"}) {
    auto error = error_from([&] { migrate::core::plan_downgrade(graph, {}, target); });
    CHECK(error.code() == ExitCode::usage);
    CHECK(std::string(error.what()) == "'" + target + "' is an upgrade target");
    CHECK(error.hint() == "use `migrate upgrade " + target + "`");
  }
  CHECK(error_from([&] { migrate::core::plan_downgrade(graph, {}, "zz"); }).code() ==
        ExitCode::usage);
}

TEST_CASE("plan_contract: contracts expanded revisions, oldest first") {
  auto graph = chain();
  AppliedPhases applied = {{"a", expanded}, {"b", complete}, {"c", expanded}, {"d", in_progress}};
  CHECK(contract(graph, applied, "") == Strings{"a:contract", "c:contract"});
  CHECK(contract(graph, applied, "head") == Strings{"a:contract", "c:contract"});
  CHECK(contract(graph, applied, "heads") == Strings{"a:contract", "c:contract"});
}

TEST_CASE("plan_contract: a target limits it to the target and its ancestors") {
  auto graph = branched();
  AppliedPhases applied = {{"a", expanded}, {"b1", expanded}, {"b2", expanded}, {"c1", expanded}};
  CHECK(contract(graph, applied, "b1") == Strings{"a:contract", "b1:contract"});
  CHECK(contract(graph, applied, "c1") == Strings{"a:contract", "c1:contract"});
  CHECK(contract(graph, {{"a", complete}}, "") == Strings{});
}

TEST_CASE("plan_stamp: records the missing ancestors and forgets the descendants") {
  auto graph = chain();
  auto plan = migrate::core::plan_stamp(graph, {{"a", complete}}, "c");
  CHECK(plan.record == Strings{"b", "c"});
  CHECK(plan.forget == Strings{});
  plan = migrate::core::plan_stamp(
      graph, {{"a", complete}, {"b", complete}, {"c", complete}, {"d", complete}}, "b");
  CHECK(plan.record == Strings{});
  CHECK(plan.forget == Strings{"d", "c"});
}

TEST_CASE("plan_stamp: base forgets everything, newest first") {
  auto plan = migrate::core::plan_stamp(chain(), {{"a", complete}, {"b", complete}}, "base");
  CHECK(plan.record == Strings{});
  CHECK(plan.forget == Strings{"b", "a"});
}

TEST_CASE("plan_stamp: head and heads") {
  auto graph = branched();
  auto plan = migrate::core::plan_stamp(graph, {{"a", complete}}, "heads");
  CHECK(plan.record == Strings{"b1", "b2", "c1"});
  CHECK(plan.forget == Strings{});
  auto error =
      error_from<MultipleHeadsError>([&] { migrate::core::plan_stamp(graph, {}, "head"); });
  CHECK(error.code() == ExitCode::multiple_heads);
  CHECK(migrate::core::plan_stamp(chain(), {}, "head").record == Strings{"a", "b", "c", "d"});
}

TEST_CASE("plan_stamp: moving to the other branch forgets this one") {
  auto plan = migrate::core::plan_stamp(
      branched(), {{"a", complete}, {"b1", complete}, {"b2", complete}}, "c1");
  CHECK(plan.record == Strings{"c1"});
  CHECK(plan.forget == Strings{"b2", "b1"});
}

TEST_CASE("plan_stamp: an unknown target is a usage error") {
  CHECK(error_from([] { migrate::core::plan_stamp(chain(), {}, "zz"); }).code() == ExitCode::usage);
}

TEST_CASE("refuse_drafts: a draft among the ids is refused with its file and line") {
  using migrate::test::sql_file;
  auto graph = migrate::core::load_revisions(
      {sql_file("a"), sql_file("b", "a", ""), sql_file("c", "b", "")});
  auto error = error_from<migrate::InvalidFilesError>([&] {
    migrate::core::refuse_drafts(graph, {"a", "b"}, "`migrate upgrade` would apply it");
  });
  CHECK(error.code() == ExitCode::usage);
  CHECK(std::string(error.what()) ==
        "b.sql:5: the 'up' section is empty, and `migrate upgrade` would apply it");
  CHECK(error.hint() ==
        "write what it does (or delete the file): only a merge revision may run nothing; "
        "nothing was applied");
  CHECK(error.problems().size() == 1);
}

TEST_CASE("refuse_drafts: drafts outside the ids are no concern") {
  using migrate::test::sql_file;
  auto graph = migrate::core::load_revisions({sql_file("a"), sql_file("b", "a", "")});
  CHECK_NOTHROW(migrate::core::refuse_drafts(graph, {"a"}, "`migrate upgrade` would apply it"));
}

TEST_CASE("revision_range: A:B, A: and :B as Alembic's history -r") {
  auto graph = merged();  // a -> b, a -> c, (b, c) -> m -> n
  auto ids = [&](const std::string& range) {
    return migrate::test::members(graph, migrate::core::revision_range(graph, range));
  };
  CHECK(ids("b:n") == Strings{"b", "m", "n"});
  CHECK(ids("m:") == Strings{"m", "n"});
  CHECK(ids(":b") == Strings{"a", "b"});
  CHECK(ids("base:head") == Strings{"a", "b", "c", "m", "n"});
  CHECK(ids("a:m") == Strings{"a", "b", "c", "m"});
}

TEST_CASE("revision_range: a range that cannot hold anything is a usage error") {
  auto graph = merged();
  auto reversed = error_from([&] { migrate::core::revision_range(graph, "n:b"); });
  CHECK(reversed.code() == ExitCode::usage);
  CHECK(std::string(reversed.what()) == "n is not an ancestor of b, so the range n:b is empty");
  auto sideways = error_from([&] { migrate::core::revision_range(graph, "b:c"); });
  CHECK(std::string(sideways.what()) == "b is not an ancestor of c, so the range b:c is empty");
  auto no_colon = error_from([&] { migrate::core::revision_range(graph, "b"); });
  CHECK(std::string(no_colon.what()) == "'b' is not a range");
}
