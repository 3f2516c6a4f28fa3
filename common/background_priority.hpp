#pragma once
// How far below the loop thread a background thread runs (the hash pool's threads, the SQLite
// storage thread): the loop must outrank them, so that on a machine with fewer free cores than
// busy threads the loop still answers at once while they work with what is left.
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

enum class BackgroundPriorityKind {
    idle,   // SCHED_IDLE: runs only on CPU time no normal thread wants
    normal, // competes with the loop as an equal
    nice,   // N nice steps below the loop thread (capped at 19)
};

struct BackgroundPriority {
    BackgroundPriorityKind kind = BackgroundPriorityKind::idle;
    int nice = 0; // kind nice: 1..19
    friend bool operator==(const BackgroundPriority&, const BackgroundPriority&) = default;
};

// "idle", "normal" or "nice:N" with N 1..19 (as --pool-priority and --storage-priority take it).
std::optional<BackgroundPriority> parse_background_priority(std::string_view text);
std::string to_string(BackgroundPriority priority);

} // namespace ranking
