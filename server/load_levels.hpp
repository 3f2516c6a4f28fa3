#pragma once
// Instantaneous levels of the data plane, written on the loop and pool, read anywhere.
#include <atomic>

namespace ranking {

struct LoadLevels {
    std::atomic<long> in_flight{0};        // requests read and not yet answered
    std::atomic<long> hash_queue{0};       // hashes posted to the pool and not yet started
    std::atomic<long> open_connections{0}; // data plane connections
};

} // namespace ranking
