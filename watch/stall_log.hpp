#pragma once
// The stalls the watchdog saw: the one in progress, as far as it is known, and the last 64 that
// ended, each with what held the loop, whether it burned CPU or waited, and the loop thread's
// stack sampled while it lasted. The watchdog writes (and counts each ended stall in the
// metrics); the admin thread reads. A lock, taken a few times per stall and by readers.
#include "data_api.hpp"
#include "frame_names.hpp"
#include "server_metrics.hpp"
#include "stall_kind.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

// The loop thread's stack once during a stall.
struct StallSample {
    double at_ms = 0;              // since the stall began
    std::vector<FrameName> frames; // innermost first
};

// A stall: the loop's heartbeat stopped for `duration_ms` (so far, while `ongoing`).
struct StallRecord {
    std::int64_t started_unix_ms = 0;
    double duration_ms = 0;
    double cpu_ms = 0;      // the loop thread's CPU time over the stall
    double runnable_ms = 0; // its time waiting for a CPU (a busy machine), over the stall
    StallKind kind = StallKind::cpu;
    std::optional<std::string> syscall; // the call the loop thread waited in, when it could be read
    Route route = Route::other;         // the handler holding the loop when the stall was seen
    std::optional<std::uint64_t> request_id; // its request; none outside a handler
    std::vector<StallSample> samples;
    // Whom it made wait: the requests in flight when it began (the culprit aside) and those read
    // right after it, and the delay it added to them in all.
    long delayed_requests = 0;
    double delayed_ms_total = 0;
    bool ongoing = false;
};

class StallLog {
public:
    static constexpr std::size_t kept = 64;

    explicit StallLog(ServerMetrics& metrics) : metrics_(metrics) {}

    // Watchdog thread: what is known of the stall in progress (again as samples arrive).
    void update(StallRecord ongoing);
    // Watchdog thread: the stall in progress ended; it joins the recent ones.
    void finish(StallRecord record);

    std::vector<StallRecord> recent() const;        // ended, oldest first
    std::optional<StallRecord> in_progress() const; // the stall in progress, if any
    std::uint64_t ended_total() const;              // all that ended, the forgotten too

private:
    ServerMetrics& metrics_;
    mutable std::mutex mutex_;
    std::optional<StallRecord> ongoing_;
    std::deque<StallRecord> ended_;
    std::uint64_t ended_total_ = 0;
};

} // namespace ranking
