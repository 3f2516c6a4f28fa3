#pragma once
// The open connections of one plane: a graceful stop closes the idle ones at once and lets the
// busy ones finish their answer, and one coarse sweep closes every connection past its deadline
// (idle, request and write timeouts) instead of a timer per connection. Used only from the
// plane's own thread: no locks. Members link themselves in (intrusive list): joining allocates
// nothing, and a connection costs the registry two pointers and a deadline.
#include "plane_counters.hpp"
#include "server_connection.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <unordered_map>

namespace ranking {

class ConnectionRegistry {
    using ClientCount = std::pair<const net::ip::address, std::size_t>;

public:
    using Clock = std::chrono::steady_clock;

    // `counters`, when given, gets the open connections and the request tallies.
    explicit ConnectionRegistry(PlaneCounters* counters = nullptr) : counters_(counters) {}

    // A session's membership for its whole life (RAII), and its current deadline.
    class Membership {
    public:
        // `peer`, when given, is counted for the per-client cap until the membership ends.
        Membership(ConnectionRegistry& registry, ServerConnection& connection,
                   const net::ip::address* peer = nullptr);
        ~Membership();
        Membership(const Membership&) = delete;
        Membership& operator=(const Membership&) = delete;

        // Waiting for the next request: a graceful stop closes the connection now (or at once,
        // if the stop came while it was busy), the sweep after `timeout`.
        void idle(std::chrono::milliseconds timeout);
        // Reading a request or writing an answer: the sweep closes it after `timeout`.
        void busy(std::chrono::milliseconds timeout);
        // Our own work (a hash, the store): no deadline, a stop waits for the answer.
        void busy_without_deadline();

        void request_read() {
            if (registry_.counters_) ++registry_.counters_->requests_read;
        }
        void request_answered() {
            if (registry_.counters_) ++registry_.counters_->requests_answered;
        }

    private:
        friend class ConnectionRegistry;
        ConnectionRegistry& registry_;
        ServerConnection& connection_;
        Membership* previous_ = nullptr;
        Membership* next_ = nullptr;
        ClientCount* client_ = nullptr; // its peer's entry, when counted
        Clock::time_point deadline_ = Clock::time_point::max();
        bool idle_ = false;
    };

    // Closes every connection past its deadline: late by at most one sweep interval.
    void sweep(Clock::time_point now);
    // How often the plane should sweep for these limits: a quarter of the shortest timeout,
    // between 10 ms and 1 s.
    static Clock::duration sweep_interval(const ConnectionLimits& limits);

    // From now on: idle connections are closed, busy ones close after their current answer.
    void stop();
    bool stopping() const noexcept { return stopping_; }
    std::size_t size() const noexcept { return size_; }
    // Open connections from `peer` among those counted for the per-client cap.
    std::size_t connections_from(const net::ip::address& peer) const;
    void count_refused() {
        if (counters_) ++counters_->refused_connections;
    }

private:
    Membership* first_ = nullptr;
    std::unordered_map<net::ip::address, std::size_t> clients_; // only peers with a cap
    std::size_t size_ = 0;
    PlaneCounters* counters_;
    bool stopping_ = false;
};

} // namespace ranking
