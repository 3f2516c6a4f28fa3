#include "watchdog.hpp"

#include "log.hpp"
#include "stack_sampler.hpp"
#include "stall_in_progress.hpp"
#include "thread_state.hpp"
#include "unix_time.hpp"

#include <array>
#include <string>
#include <utility>

namespace ranking {
namespace {

constexpr auto poll_period = std::chrono::milliseconds(10);
// Stack samples across all stalls, per minute: a server stalling without end logs and keeps a
// bounded amount.
constexpr int samples_per_minute = 60;

void warn(const ScopeSnapshot& scope, Clock::duration blocked, const LoadLevels& levels) {
    const long in_flight = levels.in_flight.load();
    if (!scope.active) {
        log_format(LogLevel::warning,
                   "ranking-server: WARNING event loop blocked for %.0f ms so far, outside any "
                   "request handler; %ld requests in flight\n",
                   milliseconds_of(blocked), in_flight);
        return;
    }
    log_format(LogLevel::warning,
               "ranking-server: WARNING event loop blocked for %.0f ms so far by %s request #%llu "
               "(hash %u iterations, mode %s); %ld requests in flight\n",
               milliseconds_of(blocked), std::string(route_name(scope.route)).c_str(),
               static_cast<unsigned long long>(scope.request_id), scope.hash_iterations,
               std::string(to_string(scope.mode)).c_str(), in_flight);
}

// At most this long (and no longer than the stall) after a stall, the watchdog waits for the loop
// to read what queued up during it (the requests it made wait) before closing the stall's record.
constexpr auto catch_up_limit = std::chrono::seconds(1);

// The loop thread waits for events: it has nothing queued to run.
bool loop_idle(pid_t tid) {
    const auto call = tid ? waiting_syscall(tid) : std::nullopt;
    return call && (call->starts_with("epoll") || call->starts_with("io_uring"));
}

// At most `samples_per_minute` in each minute since the first.
class SampleBudget {
public:
    bool take(Clock::time_point now) {
        if (now - window_start_ >= std::chrono::minutes(1)) {
            window_start_ = now;
            used_ = 0;
        }
        if (used_ >= samples_per_minute) return false;
        ++used_;
        return true;
    }

private:
    Clock::time_point window_start_{};
    int used_ = 0;
};

// "at SHA256_Final < EVP_DigestFinal_ex < ... < PKCS5_PBKDF2_HMAC < ranking::pbkdf2_sha256": the
// first sample's innermost named frames, down to the first of our own.
std::string top_frames(const StallRecord& record, std::size_t count = 8) {
    if (record.samples.empty()) return "no stack sample";
    std::string text = "at";
    std::size_t named = 0;
    for (const auto& frame : record.samples.front().frames) {
        if (frame.brief.starts_with("??")) continue;
        text += (named ? " < " : " ") + frame.brief;
        if (++named == count || frame.brief.starts_with("ranking::")) break;
    }
    return text;
}

void log_end(const StallRecord& record) {
    const std::string who = record.request_id
                                ? std::string(route_name(record.route)) + " request #" +
                                      std::to_string(*record.request_id)
                                : "code outside any request handler";
    const auto whole_ms = [](double ms) { return std::to_string(static_cast<long>(ms)) + " ms"; };
    const std::string how = (record.syscall && record.kind == StallKind::blocked
                                 ? "waiting in " + *record.syscall + ", "
                                 : std::string()) +
                            "on CPU " + whole_ms(record.cpu_ms) + ", waiting for a CPU " +
                            whole_ms(record.runnable_ms);
    log_format(LogLevel::warning,
               "ranking-server: event loop was blocked for %.0f ms by %s (%s, %s); held %ld "
               "requests for %.1f s in all; %s\n",
               record.duration_ms, who.c_str(), std::string(to_string(record.kind)).c_str(),
               how.c_str(), record.delayed_requests, record.delayed_ms_total / 1000,
               top_frames(record).c_str());
}

} // namespace

Watchdog::Watchdog(LoopWatch& watch, const LoadLevels& levels, std::chrono::milliseconds stall_warn)
    : watch_(watch), levels_(levels), stall_warn_ms_(stall_warn.count()),
      thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Watchdog::run() {
    const bool sampling = stack_sampler::install();
    FrameNames names; // this thread's: the names' cache and the debug information it read
    // The debug information read now, not at the first stall: naming its frames would otherwise
    // take this thread away from the stall for a fraction of a second.
    names.name(reinterpret_cast<const void*>(&top_frames));
    SampleBudget budget;
    RunnableClock runnable;
    std::optional<StallInProgress> stall;
    Clock::time_point seen_heartbeat{};
    LoopClocks at_beat;
    const auto& plane = levels_.connections;

    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, poll_period, [this] { return stopping_; })) {
        const auto now = Clock::now();
        const auto heartbeat = watch_.heartbeat.last();
        const auto since_beat = now - heartbeat;
        const bool held = since_beat > std::chrono::milliseconds(stall_warn_ms_.load());
        const pid_t tid = watch_.loop_thread.tid();
        const auto clocks = [&] {
            return LoopClocks{watch_.loop_thread.cpu_seconds().value_or(0),
                              tid ? runnable.seconds(tid).value_or(0) : 0.0};
        };

        // A stall the loop came back from closes once the loop has caught up, or at once when
        // the loop is held again: that is a stall of its own.
        if (stall && stall->over() &&
            (held || stall->caught_up(now, loop_idle(tid), catch_up_limit))) {
            auto record = stall->finish(plane.requests_read.load(), names);
            log_end(record);
            watch_.stalls.finish(std::move(record));
            stall.reset();
        } else if (stall && !stall->over() && heartbeat != stall->began()) {
            stall->came_back(heartbeat, clocks());
        }
        if (heartbeat != seen_heartbeat) { // the loop ran: a stall from here starts with these
            seen_heartbeat = heartbeat;
            at_beat = clocks();
        }
        // Samples that came in after the stall ended (a held loop's record is updated below).
        if (stall && stall->collect_samples(names) && !held) watch_.stalls.update(stall->record());
        if (!held || (stall && stall->over())) continue;

        // The loop is held.
        const auto scope = watch_.scopes.current();
        if (!stall)
            stall.emplace(heartbeat, at_beat, scope,
                          plane.requests_read.load() - plane.requests_answered.load(),
                          plane.requests_read.load());
        // The call first: the signal below takes the thread out of it for a moment.
        stall->observe(since_beat, clocks(), tid ? waiting_syscall(tid) : std::nullopt);
        if (stall->report_due(since_beat)) {
            // At the threshold, then each time the stall doubles: bounded log volume, and a stack
            // sample each time, as Seastar's stall detector takes them.
            warn(scope, since_beat, levels_);
            if (scope.active) watch_.scopes.flag(scope.request_id);
            if (sampling && tid != 0 && budget.take(now))
                if (const auto ticket = stack_sampler::request(tid)) stall->expect_sample(*ticket);
        }
        watch_.stalls.update(stall->record()); // its duration so far, for /stalls
    }
}

} // namespace ranking
