#pragma once
// A timer on the data loop due every `period` against absolute deadlines: how late it fires is
// how long the loop was not free to run it. Every tick that fell inside a stall is observed, so a
// one-second stall weighs a hundred late ticks, not one.
#include "heartbeat.hpp"
#include "net.hpp"
#include "server_metrics.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ranking {

class LagProbe {
public:
    LagProbe(net::io_context& loop, Heartbeat& heartbeat, ServerMetrics& metrics,
             std::chrono::milliseconds period = std::chrono::milliseconds(10));
    void start(); // from the loop thread or before run()
    void stop();  // from the loop thread: cancels the timer so that run() can return

private:
    net::steady_timer timer_;
    Heartbeat& heartbeat_;
    ServerMetrics& metrics_;
    std::chrono::milliseconds period_;
    bool stopped_ = false;
};

} // namespace ranking
