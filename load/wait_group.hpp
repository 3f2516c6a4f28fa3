#pragma once
// Lets one coroutine wait for a set of coroutines on the same single-threaded executor.
#include "net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstddef>

namespace ranking::load {

class WaitGroup {
public:
    explicit WaitGroup(net::any_io_executor executor) : timer_(std::move(executor)) {}

    void add(std::size_t count = 1) noexcept { pending_ += count; }
    void done() {
        if (--pending_ == 0) timer_.cancel();
    }
    // Only the waiter's executor runs the members, so a done() cannot slip between check and wait.
    net::awaitable<void> wait() {
        while (pending_ > 0) {
            timer_.expires_at(net::steady_timer::time_point::max());
            auto [ec] = co_await timer_.async_wait(use_nothrow);
            (void)ec;
        }
    }

private:
    net::steady_timer timer_;
    std::size_t pending_ = 0;
};

} // namespace ranking::load
