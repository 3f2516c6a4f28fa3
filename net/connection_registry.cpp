#include "connection_registry.hpp"

#include <algorithm>

#include <time.h>

namespace ranking {
namespace {

// Deadlines need no better than the kernel's tick (a few ms), and this clock reads it without
// the TSC: three deadlines per request cost next to nothing. Same epoch as steady_clock, which
// is CLOCK_MONOTONIC on Linux.
ConnectionRegistry::Clock::time_point coarse_now() noexcept {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return ConnectionRegistry::Clock::time_point(std::chrono::seconds(now.tv_sec) +
                                                 std::chrono::nanoseconds(now.tv_nsec));
}

} // namespace

ConnectionRegistry::Membership::Membership(ConnectionRegistry& registry,
                                           ServerConnection& connection,
                                           const net::ip::address* peer)
    : registry_(registry), connection_(connection), next_(registry.first_) {
    if (peer) { // an unordered_map's entries stay where they are while others come and go
        client_ = &*registry_.clients_.try_emplace(*peer, 0).first;
        ++client_->second;
    }
    if (next_) next_->previous_ = this;
    registry_.first_ = this;
    ++registry_.size_;
    if (registry_.counters_) ++registry_.counters_->open_connections;
}

ConnectionRegistry::Membership::~Membership() {
    if (previous_)
        previous_->next_ = next_;
    else
        registry_.first_ = next_;
    if (next_) next_->previous_ = previous_;
    if (client_ && --client_->second == 0) registry_.clients_.erase(client_->first);
    --registry_.size_;
    if (registry_.counters_) --registry_.counters_->open_connections;
}

void ConnectionRegistry::Membership::idle(std::chrono::milliseconds timeout) {
    if (registry_.stopping_) connection_.close(); // the stop came while we were busy
    idle_ = true;
    deadline_ = coarse_now() + timeout;
}

void ConnectionRegistry::Membership::busy(std::chrono::milliseconds timeout) {
    idle_ = false;
    deadline_ = coarse_now() + timeout;
}

void ConnectionRegistry::Membership::busy_without_deadline() {
    idle_ = false;
    deadline_ = Clock::time_point::max();
}

void ConnectionRegistry::sweep(Clock::time_point now) {
    for (auto* member = first_; member; member = member->next_) {
        if (member->deadline_ > now) continue;
        member->deadline_ = Clock::time_point::max(); // once: its session ends on its own
        member->connection_.close();
    }
}

std::size_t ConnectionRegistry::connections_from(const net::ip::address& peer) const {
    const auto it = clients_.find(peer);
    return it == clients_.end() ? 0 : it->second;
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
