#pragma once
// GETs to one HTTP service from the loop, over at most N keep-alive connections: Beast's client
// (ClientConnection), no thread. A GET that finds every connection busy waits for one, or for its
// deadline. A kept connection the service has closed since fails its next request before any
// answer; that GET is sent once more, on a new connection (a GET may be repeated). Loop thread
// only; nothing here blocks.
#include "client_connection.hpp"
#include "federation_rating.hpp"
#include "http_url.hpp"
#include "net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace ranking {

class HttpGetPool {
public:
    using Clock = std::chrono::steady_clock;

    HttpGetPool(net::any_io_executor executor, HttpEndpoint service, std::size_t max_connections,
                std::uint64_t max_body);

    // The service's answer to GET `target`, or why there is none, by `deadline`.
    net::awaitable<ServiceAnswer> get(std::string target, Clock::time_point deadline);

private:
    struct Kept {
        std::unique_ptr<ClientConnection> connection; // null: none to be had by the deadline
        bool connected = false;
    };
    struct Waiter {
        net::steady_timer timer; // set to the deadline; cancelled when served
        bool served = false;
        Kept kept; // a connection handed over, or none: open a new one in a freed place
    };

    net::awaitable<Kept> take(Clock::time_point deadline);
    void give_back(Kept kept, bool reusable);

    net::any_io_executor executor_;
    HttpEndpoint service_;
    std::size_t max_connections_;
    std::uint64_t max_body_;
    std::size_t open_ = 0; // connections held: idle, in use, or being opened
    std::vector<Kept> idle_;
    std::deque<Waiter*> waiters_; // oldest first
};

} // namespace ranking
