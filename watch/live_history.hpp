#pragma once
// The dashboard's recent past: the live feed sampled every quarter second on the admin thread,
// watched or not, and its last two minutes kept, so that a dashboard opened after the fact draws
// them at once. Each /events connection is sent what it has not seen, as a JSON array: all that
// is kept first, then the samples since its previous event. Admin thread only.
#include "live_feed.hpp"
#include "net.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <string>

namespace ranking {

class LiveHistory {
public:
    static constexpr auto period = std::chrono::milliseconds(250);
    static constexpr std::size_t kept = 480; // two minutes

    LiveHistory(net::io_context& admin_loop, LiveFeed feed);
    void start(); // before the admin loop runs, or on it

    // A new sample when the newest is a period old (an event stream asks as it ticks).
    void sample_if_due(Clock::time_point now);
    // The samples after sequence number `seen` (0: all kept), oldest first, as a JSON array;
    // `seen` becomes the newest's.
    std::string since(std::uint64_t& seen) const;

private:
    net::steady_timer timer_;
    LiveFeed feed_;
    std::deque<std::string> samples_;
    std::uint64_t newest_ = 0; // the sequence number of samples_.back()
    Clock::time_point sampled_at_{};
};

} // namespace ranking
