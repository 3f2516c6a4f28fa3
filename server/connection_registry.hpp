#pragma once
// The open connections of one plane, so that a graceful stop can close the idle ones at once and
// let the busy ones finish their answer. Used only from the plane's own thread: no locks.
#include "load_levels.hpp"
#include "server_connection.hpp"

#include <atomic>
#include <cstddef>
#include <unordered_map>

namespace ranking {

class ConnectionRegistry {
public:
    // `levels`, when given, gets the open connections and the request tallies (data plane).
    explicit ConnectionRegistry(LoadLevels* levels = nullptr) : levels_(levels) {}

    // A session's membership for its whole life (RAII).
    class Membership {
    public:
        Membership(ConnectionRegistry& registry, ServerConnection& connection);
        ~Membership();
        Membership(const Membership&) = delete;
        Membership& operator=(const Membership&) = delete;
        void set_idle(bool idle);
        void request_read() {
            if (registry_.levels_) ++registry_.levels_->requests_read;
        }
        void request_answered() {
            if (registry_.levels_) ++registry_.levels_->requests_answered;
        }

    private:
        ConnectionRegistry& registry_;
        ServerConnection& connection_;
    };

    // From now on: idle connections are closed, busy ones close after their current answer.
    void stop();
    bool stopping() const noexcept { return stopping_; }
    std::size_t size() const noexcept { return idle_by_connection_.size(); }
    void count_refused() {
        if (levels_) ++levels_->refused_connections;
    }
    // Refusals (a 503 write each) are bounded too: past the bound a connection is just closed.
    bool begin_refusal() { return refusing_ < max_refusing ? (++refusing_, true) : false; }
    void end_refusal() { --refusing_; }

private:
    std::unordered_map<ServerConnection*, bool> idle_by_connection_;
    LoadLevels* levels_;
    bool stopping_ = false;
    static constexpr int max_refusing = 64;
    int refusing_ = 0;
};

} // namespace ranking
