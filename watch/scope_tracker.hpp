#pragma once
// The handler scope holding the loop now (route, request, hash cost), for the watchdog to name,
// and the time spent inside our handler scopes: a breakdown of the loop thread's busy time.
// The loop thread writes under a seqlock; any thread reads. No locks on the loop's side.
#include "data_api.hpp"
#include "loop_clock.hpp"
#include "mode.hpp"
#include "server_metrics.hpp"

#include <atomic>
#include <cstdint>

namespace ranking {

struct ScopeSnapshot {
    bool active = false;
    Route route = Route::other;
    std::uint64_t request_id = 0;
    std::uint32_t hash_iterations = 0; // 0: no hash in this scope
    WorkPlacement mode = WorkPlacement::offload;
    Clock::time_point started;
};

class ScopeTracker {
public:
    explicit ScopeTracker(ServerMetrics& metrics) : metrics_(metrics) {}

    // Loop thread (see LoopScope). leave() adds the scope's time to the metrics.
    void enter(Route route, std::uint64_t request_id, std::uint32_t iterations, WorkPlacement mode,
               Clock::time_point now);
    void leave(Clock::time_point now);
    ScopeSnapshot current() const; // any thread
    // Any thread: seconds inside our handler scopes, the running one included (wall time).
    double handler_seconds(Clock::time_point now) const;

    // The watchdog names a scope in a warning; that scope logs its exact hold when it ends.
    void flag(std::uint64_t request_id) { flagged_.store(request_id); }

private:
    ServerMetrics& metrics_;
    // Seqlock over the scope fields: odd while the loop thread rewrites them.
    std::atomic<std::uint64_t> seq_{0};
    std::atomic<bool> active_{false};
    std::atomic<int> route_{0};
    std::atomic<std::uint64_t> request_{0};
    std::atomic<std::uint32_t> iterations_{0};
    std::atomic<int> mode_{0};
    std::atomic<Clock::rep> started_{0};
    std::atomic<double> handler_seconds_{0};
    std::atomic<std::uint64_t> flagged_{0};
};

} // namespace ranking
