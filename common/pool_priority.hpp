#pragma once
// The hash pool's scheduling priority relative to the loop thread: the loop must outrank its
// pool, so that on a machine with fewer free cores than busy threads the loop still answers at
// once while the pool hashes with what is left.
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

enum class PoolPriorityKind {
    idle,   // SCHED_IDLE: the pool runs only on CPU time no normal thread wants
    normal, // the pool competes with the loop as an equal (the old behaviour)
    nice,   // the pool's threads N nice steps below the loop thread's (capped at 19)
};

struct PoolPriority {
    PoolPriorityKind kind = PoolPriorityKind::idle;
    int nice = 0; // kind nice: 1..19
    friend bool operator==(const PoolPriority&, const PoolPriority&) = default;
};

// "idle", "normal" or "nice:N" with N 1..19 (as --pool-priority takes it).
std::optional<PoolPriority> parse_pool_priority(std::string_view text);
std::string to_string(PoolPriority priority);

} // namespace ranking
