#include "scope_tracker.hpp"
#include "log.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

namespace ranking {

void ScopeTracker::enter(Route route, std::uint64_t request_id, std::uint32_t iterations,
                         WorkPlacement mode, Clock::time_point now) {
    seq_.fetch_add(1, std::memory_order_acq_rel);
    route_.store(static_cast<int>(route), std::memory_order_release);
    request_.store(request_id, std::memory_order_release);
    iterations_.store(iterations, std::memory_order_release);
    mode_.store(static_cast<int>(mode), std::memory_order_release);
    started_.store(now.time_since_epoch().count(), std::memory_order_release);
    active_.store(true, std::memory_order_release);
    seq_.fetch_add(1, std::memory_order_release);
}

void ScopeTracker::leave(Clock::time_point now) {
    const auto scope = current();
    const auto held = now - scope.started;
    const double seconds = std::chrono::duration<double>(held).count();
    seq_.fetch_add(1, std::memory_order_acq_rel);
    active_.store(false, std::memory_order_release);
    handler_seconds_.store(handler_seconds_.load(std::memory_order_relaxed) + seconds,
                           std::memory_order_relaxed);
    seq_.fetch_add(1, std::memory_order_release);

    metrics_.add_handler_time(scope.route, seconds);
    metrics_.observe_handler(scope.route, scope.mode, seconds);
    if (flagged_.load() == scope.request_id) {
        log_format(LogLevel::warning,
                   "ranking-server: %s request #%llu held the event loop for %.1f ms (hash %u "
                   "iterations, mode %s)\n",
                   std::string(route_name(scope.route)).c_str(),
                   static_cast<unsigned long long>(scope.request_id), seconds * 1000.0,
                   scope.hash_iterations, std::string(to_string(scope.mode)).c_str());
        flagged_.store(0);
    }
}

// Acquire loads of the fields keep the second look at the sequence after them.
ScopeSnapshot ScopeTracker::current() const {
    for (;;) {
        const auto before = seq_.load(std::memory_order_acquire);
        if (before % 2 != 0) {
            std::this_thread::yield();
            continue;
        }
        ScopeSnapshot s;
        s.active = active_.load(std::memory_order_acquire);
        s.route = static_cast<Route>(route_.load(std::memory_order_acquire));
        s.request_id = request_.load(std::memory_order_acquire);
        s.hash_iterations = iterations_.load(std::memory_order_acquire);
        s.mode = static_cast<WorkPlacement>(mode_.load(std::memory_order_acquire));
        s.started = Clock::time_point(Clock::duration(started_.load(std::memory_order_acquire)));
        if (seq_.load(std::memory_order_relaxed) == before) return s;
    }
}

double ScopeTracker::handler_seconds(Clock::time_point now) const {
    const auto scope = current();
    const double running =
        scope.active ? std::chrono::duration<double>(now - scope.started).count() : 0;
    return handler_seconds_.load(std::memory_order_relaxed) + std::max(running, 0.0);
}

} // namespace ranking
