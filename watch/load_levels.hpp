#pragma once
// Levels and tallies of the data plane, written on the loop and pool, read anywhere (metrics,
// the watchdog, the dashboard, the exit summary).
#include "plane_counters.hpp"

#include <atomic>

namespace ranking {

// Adds one to a level for as long as it lives (a request in flight, a page being read).
class LevelCount {
public:
    explicit LevelCount(std::atomic<long>& level) : level_(level) { ++level_; }
    ~LevelCount() { --level_; }
    LevelCount(const LevelCount&) = delete;
    LevelCount& operator=(const LevelCount&) = delete;

private:
    std::atomic<long>& level_;
};

struct LoadLevels {
    std::atomic<long> in_flight{0};        // requests waiting for the hash or the store
    std::atomic<long> hash_queue{0};       // hashes posted to the pool and not yet started
    std::atomic<long> pages_in_flight{0};  // pages of games being read or rendered
    std::atomic<long> federation_calls{0}; // look-ups waiting for the federation's service
    PlaneCounters connections;             // the data plane's, kept by its connection registry
    // Monotonic tallies.
    std::atomic<long> shed_hashes{0}; // /rank answered 503 at --max-pending-hashes
    std::atomic<long> shed_pages{0};  // pages answered 503 at --max-pages-in-flight
};

} // namespace ranking
