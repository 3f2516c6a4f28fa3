#include "connection_registry.hpp"

#include <algorithm>

namespace ranking {

ConnectionRegistry::Membership::Membership(ConnectionRegistry& registry,
                                           ServerConnection& connection)
    : registry_(registry), connection_(connection), next_(registry.first_) {
    if (next_) next_->previous_ = this;
    registry_.first_ = this;
    ++registry_.size_;
    if (registry_.levels_) ++registry_.levels_->open_connections;
}

ConnectionRegistry::Membership::~Membership() {
    if (previous_)
        previous_->next_ = next_;
    else
        registry_.first_ = next_;
    if (next_) next_->previous_ = previous_;
    --registry_.size_;
    if (registry_.levels_) --registry_.levels_->open_connections;
}

void ConnectionRegistry::Membership::idle(std::chrono::milliseconds timeout) {
    if (registry_.stopping_) connection_.close(); // the stop came while we were busy
    idle_ = true;
    deadline_ = registry_.now_ + timeout;
}

void ConnectionRegistry::Membership::busy(std::chrono::milliseconds timeout) {
    idle_ = false;
    deadline_ = registry_.now_ + timeout;
}

void ConnectionRegistry::Membership::busy_without_deadline() {
    idle_ = false;
    deadline_ = Clock::time_point::max();
}

void ConnectionRegistry::sweep(Clock::time_point now) {
    now_ = now;
    for (auto* member = first_; member; member = member->next_) {
        if (member->deadline_ > now) continue;
        member->deadline_ = Clock::time_point::max(); // once: its session ends on its own
        member->connection_.close();
    }
}

ConnectionRegistry::Clock::duration
ConnectionRegistry::sweep_interval(const ConnectionLimits& limits) {
    const auto shortest =
        std::min({limits.idle_timeout, limits.request_timeout, limits.write_timeout});
    return std::clamp<Clock::duration>(shortest / 4, std::chrono::milliseconds(10),
                                       std::chrono::seconds(1));
}

void ConnectionRegistry::stop() {
    stopping_ = true;
    // Cancel, not close: a wait whose bytes already came in still completes, and that request is
    // read and answered; a wait still pending fails and its session ends.
    for (auto* member = first_; member; member = member->next_)
        if (member->idle_) member->connection_.cancel();
}

} // namespace ranking
