#pragma once
// The run's clock: warmup, measured phases split by mode toggles, the end and the drain.
#include "mode.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ranking::load {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Flip the server's mode `at` after the start of the run (warmup included).
struct Toggle {
    milliseconds at{};
    WorkPlacement mode = WorkPlacement::inline_on_loop;
};

struct Phase {
    nanoseconds from{};
    nanoseconds to{};
    std::string mode; // "offload", "inline", or "unknown" when the admin plane did not say
};

class RunPlan {
public:
    // Toggles must be sorted and lie strictly inside the measured span (options check this).
    RunPlan(milliseconds warmup, milliseconds duration, milliseconds timeout,
            std::vector<Toggle> toggles, std::string initial_mode);

    // The measured phase a due time belongs to; nothing during warmup or after the end.
    std::optional<std::size_t> phase_of(nanoseconds since_start) const noexcept;

    const std::vector<Phase>& phases() const noexcept { return phases_; }
    const std::vector<Toggle>& toggles() const noexcept { return toggles_; }
    nanoseconds measured_from() const noexcept { return warmup_; }
    nanoseconds end() const noexcept { return end_; } // no request is due at or after this
    // Requests still unanswered here are recorded as never completed (>= timeout).
    nanoseconds drain_deadline() const noexcept { return end_ + timeout_; }
    // Timeline rows: one per second of due time up to the drain deadline.
    std::size_t seconds() const noexcept;

private:
    nanoseconds warmup_;
    nanoseconds end_;
    nanoseconds timeout_;
    std::vector<Toggle> toggles_;
    std::vector<Phase> phases_;
};

} // namespace ranking::load
