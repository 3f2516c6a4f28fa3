#pragma once
#include "loop_watch.hpp"

#include <cstdint>

namespace ranking {

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
    ScopeTracker* scopes_; // null when inert
};

} // namespace ranking
