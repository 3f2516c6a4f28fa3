#pragma once
// The lag probe's heartbeat: when the probe last ran on the loop, and the largest lag it saw
// lately. The loop thread writes; the watchdog and the admin thread read. No locks.
#include "loop_clock.hpp"

#include <atomic>
#include <cstdint>

namespace ranking {

class Heartbeat {
public:
    Heartbeat(); // beats at construction: a watch not yet probed is not taken for a frozen loop

    // Loop thread (the lag probe): the probe ran at `now`, `lag` after it was due.
    void beat(Clock::time_point now, Clock::duration lag);
    Clock::time_point last() const;
    // Largest probe lag over roughly the last one to two seconds.
    double recent_max_lag_seconds() const;

private:
    std::atomic<Clock::rep> last_;
    std::atomic<std::int64_t> max_lag_ns_current_{0}, max_lag_ns_previous_{0};
    std::atomic<std::int64_t> max_lag_window_start_ns_{0};
};

} // namespace ranking
