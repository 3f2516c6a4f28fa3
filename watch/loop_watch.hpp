#pragma once
// What the data loop is doing right now, readable from other threads: the heartbeat of the lag
// probe, the handler scope holding the loop (route, request, hash cost), the loop thread's own
// CPU time (the honest busy total: Beast's parsing and writing and Asio's work included) and the
// time inside our handler scopes (a breakdown of it).
// The loop thread writes; the watchdog and the admin thread read. No locks on the loop's side.
#include "data_api.hpp"
#include "mode.hpp"
#include "server_metrics.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ranking {

using Clock = std::chrono::steady_clock;

struct ScopeSnapshot {
    bool active = false;
    Route route = Route::other;
    std::uint64_t request_id = 0;
    std::uint32_t hash_iterations = 0; // 0: no hash in this scope
    WorkPlacement mode = WorkPlacement::offload;
    Clock::time_point started;
};

// A stall the watchdog saw end: the loop's heartbeat stopped for `duration_ms`.
struct StallRecord {
    std::int64_t started_unix_ms = 0;
    double duration_ms = 0;
    Route route = Route::other; // the route found holding the loop most often
};

class LoopWatch {
public:
    LoopWatch(ServerMetrics& metrics, std::chrono::milliseconds stall_warn);

    // Called on the thread that is to run the loop: it becomes the loop thread, and its CPU clock
    // the busy clock.
    void bind_loop_thread();
    bool on_loop_thread() const { return std::this_thread::get_id() == loop_thread_.load(); }
    std::chrono::milliseconds stall_warn() const { return stall_warn_; }
    ServerMetrics& metrics() { return metrics_; }

    // Lag probe, loop thread.
    void heartbeat(Clock::time_point now, Clock::duration lag);
    Clock::time_point last_heartbeat() const;
    // Largest probe lag over roughly the last one to two seconds.
    double recent_max_lag_seconds() const;

    // Scopes, loop thread (see LoopScope).
    void enter(Route route, std::uint64_t request_id, std::uint32_t iterations, WorkPlacement mode,
               Clock::time_point now);
    void leave(Clock::time_point now);
    ScopeSnapshot current_scope() const; // any thread
    // Any thread: seconds inside our handler scopes, the running one included (wall time).
    double handler_seconds(Clock::time_point now) const;
    // Any thread, while the loop thread lives: the CPU time the loop thread has used since
    // bind_loop_thread(), from its thread CPU clock (pthread_getcpuclockid); nothing before.
    std::optional<double> loop_cpu_seconds() const;

    // The watchdog names a scope in a warning; that scope logs its exact hold when it ends.
    void flag(std::uint64_t request_id) { flagged_.store(request_id); }

    // Stall records and the stall in progress, for the dashboard.
    void begin_stall(std::int64_t started_unix_ms, Route route);
    void end_stall(const StallRecord& record);
    std::vector<StallRecord> recent_stalls() const;
    std::int64_t stall_in_progress_since_unix_ms() const { return stall_since_.load(); }
    Route stall_in_progress_route() const { return static_cast<Route>(stall_route_.load()); }

private:
    ServerMetrics& metrics_;
    const std::chrono::milliseconds stall_warn_;
    std::atomic<std::thread::id> loop_thread_{};
    std::atomic<bool> has_cpu_clock_{false};
    std::atomic<clockid_t> loop_cpu_clock_{};
    std::atomic<double> loop_cpu_at_bind_{0};

    std::atomic<Clock::rep> heartbeat_;
    std::atomic<std::int64_t> max_lag_ns_current_{0}, max_lag_ns_previous_{0};
    std::atomic<std::int64_t> max_lag_window_start_ns_{0};

    // Seqlock over the scope fields: odd while the loop thread rewrites them.
    std::atomic<std::uint64_t> scope_seq_{0};
    std::atomic<bool> scope_active_{false};
    std::atomic<int> scope_route_{0};
    std::atomic<std::uint64_t> scope_request_{0};
    std::atomic<std::uint32_t> scope_iterations_{0};
    std::atomic<int> scope_mode_{0};
    std::atomic<Clock::rep> scope_started_{0};
    std::atomic<double> handler_seconds_{0};
    std::atomic<std::uint64_t> flagged_{0};

    std::atomic<std::int64_t> stall_since_{0};
    std::atomic<int> stall_route_{0};
    mutable std::mutex stalls_mutex_; // rare: once per stall, and the dashboard's reads
    std::deque<StallRecord> stalls_;
};

// Marks a stretch of our own work on the loop thread. Inert on any other thread (the pool), so
// the same job can carry one wherever it runs. Never hold one across a co_await.
class LoopScope {
public:
    // `started`: when the scope's work began, if the caller has just read the clock.
    LoopScope(LoopWatch& watch, Route route, std::uint64_t request_id, WorkPlacement mode,
              std::uint32_t hash_iterations = 0, Clock::time_point started = Clock::now());
    ~LoopScope(); // ends the scope now, unless finish() did
    // Ends the scope at `now`, a time the caller has read anyway (the hot path reads the clock
    // twice per request: for this scope and the request's duration both).
    void finish(Clock::time_point now);
    LoopScope(const LoopScope&) = delete;
    LoopScope& operator=(const LoopScope&) = delete;

private:
    LoopWatch* watch_; // null when inert
};

} // namespace ranking
