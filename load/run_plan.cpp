#include "run_plan.hpp"

#include <algorithm>

namespace ranking::load {

RunPlan::RunPlan(milliseconds warmup, milliseconds duration, milliseconds timeout,
                 std::vector<Toggle> toggles, std::string initial_mode)
    : warmup_(warmup), end_(warmup + duration), timeout_(timeout), toggles_(std::move(toggles)) {
    nanoseconds from = warmup_;
    std::string mode = std::move(initial_mode);
    for (const auto& toggle : toggles_) {
        phases_.push_back({from, toggle.at, mode});
        from = toggle.at;
        mode = std::string(to_string(toggle.mode));
    }
    phases_.push_back({from, end_, mode});
}

std::optional<std::size_t> RunPlan::phase_of(nanoseconds since_start) const noexcept {
    if (since_start < warmup_ || since_start >= end_) return std::nullopt;
    const auto later =
        std::upper_bound(phases_.begin(), phases_.end(), since_start,
                         [](nanoseconds at, const Phase& phase) { return at < phase.to; });
    return static_cast<std::size_t>(later - phases_.begin());
}

std::size_t RunPlan::seconds() const noexcept {
    using std::chrono::seconds;
    return static_cast<std::size_t>(std::chrono::ceil<seconds>(drain_deadline()).count()) + 1;
}

} // namespace ranking::load
