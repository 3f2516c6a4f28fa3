#include "loop_scope.hpp"

namespace ranking {

LoopScope::LoopScope(LoopWatch& watch, Route route, std::uint64_t request_id, WorkPlacement mode,
                     std::uint32_t hash_iterations, Clock::time_point started)
    : scopes_(watch.loop_thread.is_current() ? &watch.scopes : nullptr) {
    if (scopes_) scopes_->enter(route, request_id, hash_iterations, mode, started);
}

LoopScope::~LoopScope() {
    if (scopes_) scopes_->leave(Clock::now());
}

void LoopScope::finish(Clock::time_point now) {
    if (scopes_) scopes_->leave(now);
    scopes_ = nullptr;
}

} // namespace ranking
