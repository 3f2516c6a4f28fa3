#include "stall_in_progress.hpp"

#include "stack_sampler.hpp"
#include "unix_time.hpp"

#include <algorithm>

namespace ranking {

StallInProgress::StallInProgress(Clock::time_point began, LoopClocks at_beat,
                                 const ScopeSnapshot& holder, long in_flight, long requests_read)
    : began_(began), at_beat_(at_beat),
      // The request holding the loop is the culprit, not one it made wait.
      in_flight_(std::max(0L, in_flight - (holder.active ? 1 : 0))), read_at_start_(requests_read) {
    record_.started_unix_ms = unix_ms_at(began);
    record_.route = holder.active ? holder.route : Route::other;
    if (holder.active) record_.request_id = holder.request_id;
    record_.delayed_requests = in_flight_;
}

void StallInProgress::observe(Clock::duration so_far, LoopClocks now,
                              const std::optional<std::string>& call) {
    measure(so_far, now);
    ++polls_;
    if (call) ++calls_[*call];
    classify();
}

bool StallInProgress::report_due(Clock::duration so_far) {
    if (so_far < next_report_) return false;
    next_report_ = so_far * 2;
    return true;
}

bool StallInProgress::collect_samples(FrameNames& names) {
    // The handler's CLOCK_MONOTONIC against steady_clock's epoch: the same clock in libstdc++.
    const auto began_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(began_.time_since_epoch()).count();
    bool any = false;
    std::erase_if(pending_, [&](std::uint64_t ticket) {
        const auto raw = stack_sampler::collect(ticket);
        if (!raw) return false;
        StallSample sample{static_cast<double>(raw->at_ns - began_ns) / 1e6, {}};
        for (const void* frame : raw->frames)
            sample.frames.push_back(names.name(frame));
        record_.samples.push_back(std::move(sample));
        any = true;
        return true;
    });
    return any;
}

bool StallInProgress::caught_up(Clock::time_point now, bool loop_idle,
                                Clock::duration limit) const {
    return over_ && (loop_idle || now - back_ >= std::min(limit, back_ - began_));
}

StallRecord StallInProgress::finish(long requests_read, FrameNames& names) {
    // A sample asked for during a call the signal could not interrupt (fsync) was taken as the
    // call returned: it is in by now. One taken after the loop came back (the signal arrived
    // late) shows what ran then, not what held the loop.
    collect_samples(names);
    measure(back_ - began_, at_back_);
    std::erase_if(record_.samples,
                  [&](const StallSample& sample) { return sample.at_ms > record_.duration_ms; });
    // Read since it began: they waited in the kernel's buffers for some part of it (when they
    // came is not known: half the stall each, as for arrivals spread evenly across it).
    const long read_after = std::max(0L, requests_read - read_at_start_);
    record_.delayed_requests = in_flight_ + read_after;
    record_.delayed_ms_total += static_cast<double>(read_after) * record_.duration_ms / 2;
    return std::move(record_);
}

void StallInProgress::measure(Clock::duration so_far, LoopClocks now) {
    record_.duration_ms = milliseconds_of(so_far);
    const auto within = [&](double ms) { return std::clamp(ms, 0.0, record_.duration_ms); };
    record_.cpu_ms = within((now.cpu_seconds - at_beat_.cpu_seconds) * 1000);
    record_.runnable_ms = within((now.runnable_seconds - at_beat_.runnable_seconds) * 1000);
    record_.delayed_ms_total = static_cast<double>(in_flight_) * record_.duration_ms;
}

void StallInProgress::classify() {
    record_.syscall.reset();
    int most = 0, waiting = 0;
    for (const auto& [name, seen] : calls_) {
        waiting += seen;
        if (seen > most) {
            most = seen;
            record_.syscall = name;
        }
    }
    record_.kind = classify_stall(waiting, polls_);
    if (record_.kind == StallKind::cpu) record_.syscall.reset(); // a call seen now and then
}

} // namespace ranking
