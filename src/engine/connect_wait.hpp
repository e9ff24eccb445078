// Connecting to a database that may still be starting (`--wait`, `migrate
// wait`): try again while the failure is one a starting server gives, until
// it answers or the wait is over.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "engine/clock.hpp"
#include "engine/database.hpp"
#include "engine/reporter.hpp"

namespace migrate::engine {

// Time between two attempts.
constexpr std::chrono::milliseconds k_connect_retry_every{500};

// Calls `connect` until it returns. A failure that may pass (see
// core::may_answer_later) is retried while `wait` lasts, said once through
// the reporter; any other failure, and the last one, are thrown as they came
// (the last one saying how long it waited). `wait` 0 tries once.
std::unique_ptr<Database> connect_waiting(const std::function<std::unique_ptr<Database>()>& connect,
                                          Clock& clock, Reporter& reporter,
                                          std::chrono::milliseconds wait);

}  // namespace migrate::engine
