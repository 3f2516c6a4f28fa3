#pragma once
// What the data loop is doing, readable from other threads: one part per job, each part its own
// class. Only an aggregate, so that a call site names the part it uses
// (watch.scopes.current(), watch.stalls.recent()).
#include "heartbeat.hpp"
#include "loop_thread.hpp"
#include "scope_tracker.hpp"
#include "server_metrics.hpp"
#include "stall_log.hpp"

namespace ranking {

struct LoopWatch {
    explicit LoopWatch(ServerMetrics& metrics) : scopes(metrics), stalls(metrics) {}

    LoopThread loop_thread; // which thread runs the loop, and its CPU clock (busy time)
    Heartbeat heartbeat;    // the lag probe's: when it last ran, the largest recent lag
    ScopeTracker scopes;    // who holds the loop now, and the time inside our handler scopes
    StallLog stalls;        // the stalls the watchdog saw, ended and in progress
};

} // namespace ranking
