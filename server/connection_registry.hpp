#pragma once
// The open connections of one plane, so that a graceful stop can close the idle ones at once and
// let the busy ones finish their answer. Used only from the plane's own thread: no locks.
#include "server_connection.hpp"

#include <atomic>
#include <cstddef>
#include <unordered_map>

namespace ranking {

class ConnectionRegistry {
public:
    // `open_count`, when given, mirrors size() for readers on other threads (metrics).
    explicit ConnectionRegistry(std::atomic<long>* open_count = nullptr)
        : open_count_(open_count) {}

    // A session's membership for its whole life (RAII).
    class Membership {
    public:
        Membership(ConnectionRegistry& registry, ServerConnection& connection);
        ~Membership();
        Membership(const Membership&) = delete;
        Membership& operator=(const Membership&) = delete;
        void set_idle(bool idle);

    private:
        ConnectionRegistry& registry_;
        ServerConnection& connection_;
    };

    // From now on: idle connections are closed, busy ones close after their current answer.
    void stop();
    bool stopping() const noexcept { return stopping_; }
    std::size_t size() const noexcept { return idle_by_connection_.size(); }

private:
    std::unordered_map<ServerConnection*, bool> idle_by_connection_;
    std::atomic<long>* open_count_;
    bool stopping_ = false;
};

} // namespace ranking
