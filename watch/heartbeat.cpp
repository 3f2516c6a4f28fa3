#include "heartbeat.hpp"

#include <algorithm>

namespace ranking {
namespace {

std::int64_t to_ns(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

} // namespace

Heartbeat::Heartbeat() : last_(Clock::now().time_since_epoch().count()) {}

void Heartbeat::beat(Clock::time_point now, Clock::duration lag) {
    last_.store(now.time_since_epoch().count(), std::memory_order_release);
    // Two one-second windows: "recent max" is the larger of the current and the previous one.
    const auto now_ns = to_ns(now.time_since_epoch());
    if (now_ns - max_lag_window_start_ns_.load() > 1'000'000'000) {
        max_lag_ns_previous_.store(max_lag_ns_current_.load());
        max_lag_ns_current_.store(0);
        max_lag_window_start_ns_.store(now_ns);
    }
    max_lag_ns_current_.store(std::max(max_lag_ns_current_.load(), to_ns(lag)));
}

Clock::time_point Heartbeat::last() const {
    return Clock::time_point(Clock::duration(last_.load(std::memory_order_acquire)));
}

double Heartbeat::recent_max_lag_seconds() const {
    return static_cast<double>(std::max(max_lag_ns_current_.load(), max_lag_ns_previous_.load())) /
           1e9;
}

} // namespace ranking
