#include "live_history.hpp"

namespace ranking {
namespace {

net::awaitable<void> keep_sampling(net::steady_timer& timer, LiveHistory& history) {
    for (;;) {
        timer.expires_after(LiveHistory::period);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec) co_return;
        history.sample_if_due(Clock::now());
    }
}

} // namespace

LiveHistory::LiveHistory(net::io_context& admin_loop, LiveFeed feed)
    : timer_(admin_loop), feed_(std::move(feed)) {}

void LiveHistory::start() {
    net::co_spawn(timer_.get_executor(), keep_sampling(timer_, *this), net::detached);
}

void LiveHistory::sample_if_due(Clock::time_point now) {
    // A little early counts as due: the streams and the timer tick at the same period.
    if (!samples_.empty() && now - sampled_at_ < period - period / 5) return;
    sampled_at_ = now;
    samples_.push_back(feed_.next_sample());
    ++newest_;
    if (samples_.size() > kept) samples_.pop_front();
}

std::string LiveHistory::since(std::uint64_t& seen) const {
    const auto oldest = newest_ - samples_.size() + 1;
    std::string out = "[";
    for (auto n = std::max(seen + 1, oldest); n <= newest_; ++n) {
        if (out.size() > 1) out.push_back(',');
        out.append(samples_[n - oldest]);
    }
    out.push_back(']');
    seen = newest_;
    return out;
}

} // namespace ranking
