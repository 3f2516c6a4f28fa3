#pragma once
// The stalls the watchdog saw, for the dashboard: the last ones that ended, and the one in
// progress. The watchdog writes (and counts each ended stall in the metrics); the admin thread
// reads.
#include "data_api.hpp"
#include "server_metrics.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace ranking {

// A stall the watchdog saw end: the loop's heartbeat stopped for `duration_ms`.
struct StallRecord {
    std::int64_t started_unix_ms = 0;
    double duration_ms = 0;
    Route route = Route::other; // the route found holding the loop most often
};

class StallLog {
public:
    explicit StallLog(ServerMetrics& metrics) : metrics_(metrics) {}

    // Watchdog thread: a stall began at `started_unix_ms`, with `route` holding the loop.
    void start(std::int64_t started_unix_ms, Route route);
    // Watchdog thread: the stall in progress ended; it joins the recent ones.
    void finish(const StallRecord& record);

    std::vector<StallRecord> recent() const;
    std::int64_t in_progress_since_unix_ms() const { return since_.load(); } // 0: none
    Route in_progress_route() const { return static_cast<Route>(route_.load()); }

private:
    ServerMetrics& metrics_;
    std::atomic<std::int64_t> since_{0};
    std::atomic<int> route_{0};
    mutable std::mutex mutex_; // rare: once per stall, and the dashboard's reads
    std::deque<StallRecord> ended_;
};

} // namespace ranking
