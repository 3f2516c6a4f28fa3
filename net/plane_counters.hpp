#pragma once
// What a plane's connections tally, written on its loop thread and read anywhere (metrics, the
// dashboard, the exit summary): the transport's own counters, which the application only reads.
#include <atomic>

namespace ranking {

struct PlaneCounters {
    std::atomic<long> open_connections{0};
    // Monotonic tallies.
    std::atomic<long> requests_read{0};       // complete requests, and malformed ones we answer
    std::atomic<long> requests_answered{0};   // answers written (or tried: the peer may be gone)
    std::atomic<long> refused_connections{0}; // 503 past a connection cap
};

} // namespace ranking
