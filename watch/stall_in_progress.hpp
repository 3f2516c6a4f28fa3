#pragma once
// One stall, followed by the watchdog from the poll that sees it until the loop has come back and
// caught up:
// its samples, the system calls the loop thread was seen waiting in, the loop thread's CPU and
// run-queue time, and whom it made wait (the requests in flight when it began, and those read
// right after it). Watchdog thread only.
#include "frame_names.hpp"
#include "loop_clock.hpp"
#include "scope_tracker.hpp"
#include "stall_log.hpp"

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ranking {

// Readings of the loop thread's clocks: how long it has been on a CPU, and runnable without one.
struct LoopClocks {
    double cpu_seconds = 0;      // on a CPU
    double runnable_seconds = 0; // runnable, waiting for a CPU
};

class StallInProgress {
public:
    // `began`: the loop's last beat before it; `at_beat`: its clocks then; `in_flight`: requests
    // read and not answered now (the loop has been held since the beat: none came or went since);
    // `requests_read`: the plane's tally now.
    StallInProgress(Clock::time_point began, LoopClocks at_beat, const ScopeSnapshot& holder,
                    long in_flight, long requests_read);

    Clock::time_point began() const { return began_; }
    const StallRecord& record() const { return record_; }

    // Each poll while it lasts: how long so far, the loop thread's clocks, the call it waits in.
    void observe(Clock::duration so_far, LoopClocks now, const std::optional<std::string>& call);
    // Whether this poll should warn and sample: at the threshold, then each time the stall doubles.
    bool report_due(Clock::duration so_far);
    void expect_sample(std::uint64_t ticket) { pending_.push_back(ticket); }
    // Names the samples that came in; true if any did.
    bool collect_samples(FrameNames& names);

    // The loop beat again at `back` (its clocks `now`): the stall is over, and its record waits
    // for the loop to read what queued up meanwhile.
    void came_back(Clock::time_point back, LoopClocks now) {
        back_ = back;
        at_back_ = now;
        over_ = true;
    }
    bool over() const { return over_; }
    // Whether the loop has caught up: it waits for events again (`loop_idle`), or has been busy
    // since it came back for as long as the stall lasted (at most `limit`), under a load that
    // never lets it rest (what it read meanwhile counts as delayed too).
    bool caught_up(Clock::time_point now, bool loop_idle, Clock::duration limit) const;
    // The record, with the requests read since the stall began (`requests_read` now) counted as
    // delayed. Once over.
    StallRecord finish(long requests_read, FrameNames& names);

private:
    void measure(Clock::duration so_far, LoopClocks now);
    void classify();

    Clock::time_point began_;
    Clock::time_point back_{};
    bool over_ = false;
    LoopClocks at_beat_, at_back_;
    long in_flight_;
    long read_at_start_;
    Clock::duration next_report_{};
    int polls_ = 0;
    std::map<std::string, int> calls_; // the calls the loop thread was seen waiting in
    std::vector<std::uint64_t> pending_;
    StallRecord record_;
};

} // namespace ranking
