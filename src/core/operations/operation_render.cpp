// render_operations: puts the steps of a revision's operations and of its
// sync triggers in the order each phase needs.
#include "core/operations/operation.hpp"
#include "core/operations/operation_parts.hpp"

namespace migrate::core {

namespace {

void append(std::vector<Step>& to, std::vector<Step>& from) {
  for (auto& step : from) to.push_back(std::move(step));
}

}  // namespace

// expand:   refusals, operations, then per table the sync function, trigger and
//           backfill, then what needs the backfill done (unique indexes,
//           VALIDATE of the new columns' constraints).
// contract: refusals, operations (NOT NULL, constraints, defaults, sql), then
//           the sync triggers (and shadow-column swaps), then removals of
//           columns, indexes and tables.
// rollback: refusals, the sync triggers, then the operations in reverse.
// down:     refusals, then the operations in reverse.
std::vector<Step> render_operations(const std::vector<Operation>& operations, Phase phase,
                                    const std::string& revision_id, const std::string& path) {
  SyncPlan sync;
  for (const auto& operation : operations)
    std::visit([&](const auto& spec) { add_sync(spec, operation.line, sync); }, operation.spec);

  std::vector<Step> refusals, main, late, triggers;
  const bool reverse = phase == Phase::rollback || phase == Phase::down;
  const size_t count = operations.size();
  for (size_t k = 0; k < count; ++k) {
    const Operation& operation = operations[reverse ? count - 1 - k : k];
    OperationSteps out{StepWriter(refusals, path, operation.line),
                       StepWriter(main, path, operation.line),
                       StepWriter(late, path, operation.line)};
    std::visit([&](const auto& spec) { render(spec, phase, out); }, operation.spec);
  }
  for (const auto& table : sync.tables()) {
    StepWriter out(triggers, path, table.line);
    if (phase == Phase::expand) install_sync(table, revision_id, out);
    if (phase == Phase::contract) remove_sync(table, revision_id, Swap::yes, out);
    if (phase == Phase::rollback) remove_sync(table, revision_id, Swap::no, out);
  }

  std::vector<Step> steps;
  append(steps, refusals);
  if (phase == Phase::rollback) append(steps, triggers);
  append(steps, main);
  if (phase == Phase::expand || phase == Phase::contract) append(steps, triggers);
  append(steps, late);
  return steps;
}

}  // namespace migrate::core
