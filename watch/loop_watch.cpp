#include "loop_watch.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdio>

namespace ranking {
namespace {

std::optional<double> cpu_seconds(clockid_t clock) {
    timespec used{};
    if (::clock_gettime(clock, &used) != 0) return std::nullopt;
    return static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
}

std::int64_t to_ns(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

} // namespace

LoopWatch::LoopWatch(ServerMetrics& metrics, std::chrono::milliseconds stall_warn)
    : metrics_(metrics), stall_warn_(stall_warn),
      heartbeat_(Clock::now().time_since_epoch().count()) {}

void LoopWatch::bind_loop_thread() {
    loop_thread_.store(std::this_thread::get_id());
    clockid_t clock{};
    if (::pthread_getcpuclockid(::pthread_self(), &clock) != 0) return;
    // From now on: what the thread did before it became the loop (start-up, calibration) is not
    // the loop's.
    const auto used = cpu_seconds(clock);
    if (!used) return;
    loop_cpu_clock_.store(clock);
    loop_cpu_at_bind_.store(*used);
    has_cpu_clock_.store(true, std::memory_order_release);
}

std::optional<double> LoopWatch::loop_cpu_seconds() const {
    if (!has_cpu_clock_.load(std::memory_order_acquire)) return std::nullopt;
    const auto used = cpu_seconds(loop_cpu_clock_.load());
    if (!used) return std::nullopt;
    return *used - loop_cpu_at_bind_.load();
}

void LoopWatch::heartbeat(Clock::time_point now, Clock::duration lag) {
    heartbeat_.store(now.time_since_epoch().count(), std::memory_order_release);
    // Two one-second windows: "recent max" is the larger of the current and the previous one.
    const auto now_ns = to_ns(now.time_since_epoch());
    if (now_ns - max_lag_window_start_ns_.load() > 1'000'000'000) {
        max_lag_ns_previous_.store(max_lag_ns_current_.load());
        max_lag_ns_current_.store(0);
        max_lag_window_start_ns_.store(now_ns);
    }
    max_lag_ns_current_.store(std::max(max_lag_ns_current_.load(), to_ns(lag)));
}

Clock::time_point LoopWatch::last_heartbeat() const {
    return Clock::time_point(Clock::duration(heartbeat_.load(std::memory_order_acquire)));
}

double LoopWatch::recent_max_lag_seconds() const {
    return static_cast<double>(std::max(max_lag_ns_current_.load(), max_lag_ns_previous_.load())) /
           1e9;
}

void LoopWatch::enter(Route route, std::uint64_t request_id, std::uint32_t iterations,
                      WorkPlacement mode, Clock::time_point now) {
    scope_seq_.fetch_add(1, std::memory_order_acq_rel);
    scope_route_.store(static_cast<int>(route), std::memory_order_release);
    scope_request_.store(request_id, std::memory_order_release);
    scope_iterations_.store(iterations, std::memory_order_release);
    scope_mode_.store(static_cast<int>(mode), std::memory_order_release);
    scope_started_.store(now.time_since_epoch().count(), std::memory_order_release);
    scope_active_.store(true, std::memory_order_release);
    scope_seq_.fetch_add(1, std::memory_order_release);
}

void LoopWatch::leave(Clock::time_point now) {
    const auto scope = current_scope();
    const auto held = now - scope.started;
    const double seconds = std::chrono::duration<double>(held).count();
    scope_seq_.fetch_add(1, std::memory_order_acq_rel);
    scope_active_.store(false, std::memory_order_release);
    handler_seconds_.store(handler_seconds_.load(std::memory_order_relaxed) + seconds,
                           std::memory_order_relaxed);
    scope_seq_.fetch_add(1, std::memory_order_release);

    metrics_.add_handler_time(scope.route, seconds);
    metrics_.observe_handler(scope.route, scope.mode, seconds);
    if (flagged_.load() == scope.request_id) {
        std::fprintf(stderr,
                     "ranking-server: %s request #%llu held the event loop for %.1f ms (hash %u "
                     "iterations, mode %s)\n",
                     std::string(route_name(scope.route)).c_str(),
                     static_cast<unsigned long long>(scope.request_id), seconds * 1000.0,
                     scope.hash_iterations, std::string(to_string(scope.mode)).c_str());
        flagged_.store(0);
    }
}

// Acquire loads of the fields keep the second look at the sequence after them.
ScopeSnapshot LoopWatch::current_scope() const {
    for (;;) {
        const auto before = scope_seq_.load(std::memory_order_acquire);
        if (before % 2 != 0) {
            std::this_thread::yield();
            continue;
        }
        ScopeSnapshot s;
        s.active = scope_active_.load(std::memory_order_acquire);
        s.route = static_cast<Route>(scope_route_.load(std::memory_order_acquire));
        s.request_id = scope_request_.load(std::memory_order_acquire);
        s.hash_iterations = scope_iterations_.load(std::memory_order_acquire);
        s.mode = static_cast<WorkPlacement>(scope_mode_.load(std::memory_order_acquire));
        s.started =
            Clock::time_point(Clock::duration(scope_started_.load(std::memory_order_acquire)));
        if (scope_seq_.load(std::memory_order_relaxed) == before) return s;
    }
}

double LoopWatch::handler_seconds(Clock::time_point now) const {
    const auto scope = current_scope();
    const double running =
        scope.active ? std::chrono::duration<double>(now - scope.started).count() : 0;
    return handler_seconds_.load(std::memory_order_relaxed) + std::max(running, 0.0);
}

void LoopWatch::begin_stall(std::int64_t started_unix_ms, Route route) {
    stall_route_.store(static_cast<int>(route));
    stall_since_.store(started_unix_ms);
}

void LoopWatch::end_stall(const StallRecord& record) {
    stall_since_.store(0);
    metrics_.count_stall(record.route);
    std::lock_guard lock(stalls_mutex_);
    stalls_.push_back(record);
    if (stalls_.size() > 64) stalls_.pop_front();
}

std::vector<StallRecord> LoopWatch::recent_stalls() const {
    std::lock_guard lock(stalls_mutex_);
    return {stalls_.begin(), stalls_.end()};
}

LoopScope::LoopScope(LoopWatch& watch, Route route, std::uint64_t request_id, WorkPlacement mode,
                     std::uint32_t hash_iterations, Clock::time_point started)
    : watch_(watch.on_loop_thread() ? &watch : nullptr) {
    if (watch_) watch_->enter(route, request_id, hash_iterations, mode, started);
}

LoopScope::~LoopScope() {
    if (watch_) watch_->leave(Clock::now());
}

void LoopScope::finish(Clock::time_point now) {
    if (watch_) watch_->leave(now);
    watch_ = nullptr;
}

} // namespace ranking
