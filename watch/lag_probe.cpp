#include "lag_probe.hpp"

namespace ranking {
namespace {

net::awaitable<void> probe(net::steady_timer& timer, Heartbeat& heartbeat, ServerMetrics& metrics,
                           std::chrono::milliseconds period, const bool& stopped) {
    auto due = Clock::now() + period;
    while (!stopped) {
        timer.expires_at(due);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec || stopped) co_return;
        const auto now = Clock::now();
        heartbeat.beat(now, now - due);
        // Each tick due by now was late by (now - its due time): observe them all.
        for (; due <= now; due += period)
            metrics.observe_loop_lag(std::chrono::duration<double>(now - due).count());
    }
}

} // namespace

LagProbe::LagProbe(net::io_context& loop, Heartbeat& heartbeat, ServerMetrics& metrics,
                   std::chrono::milliseconds period)
    : timer_(loop), heartbeat_(heartbeat), metrics_(metrics), period_(period) {}

void LagProbe::start() {
    net::co_spawn(timer_.get_executor(), probe(timer_, heartbeat_, metrics_, period_, stopped_),
                  net::detached);
}

void LagProbe::stop() {
    stopped_ = true;
    timer_.cancel();
}

} // namespace ranking
