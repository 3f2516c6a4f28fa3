#include "watchdog.hpp"
#include "log.hpp"

#include "unix_time.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace ranking {
namespace {

constexpr auto poll_period = std::chrono::milliseconds(10);

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

void warn(const ScopeSnapshot& scope, Clock::duration blocked, const LoadLevels& levels) {
    const long in_flight = levels.in_flight.load();
    if (!scope.active) {
        log_format(LogLevel::warning,
                   "ranking-server: WARNING event loop blocked for %.0f ms so far, outside any "
                   "request handler; %ld requests in flight\n",
                   ms(blocked), in_flight);
        return;
    }
    log_format(LogLevel::warning,
               "ranking-server: WARNING event loop blocked for %.0f ms so far by %s request #%llu "
               "(hash %u iterations, mode %s); %ld requests in flight\n",
               ms(blocked), std::string(route_name(scope.route)).c_str(),
               static_cast<unsigned long long>(scope.request_id), scope.hash_iterations,
               std::string(to_string(scope.mode)).c_str(), in_flight);
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
    bool in_stall = false;
    Clock::time_point stalled_heartbeat;
    Clock::duration next_report{};
    std::array<int, route_count> samples{};

    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, poll_period, [this] { return stopping_; })) {
        const auto now = Clock::now();
        const auto heartbeat = watch_.heartbeat.last();
        const auto blocked = now - heartbeat;

        if (in_stall && heartbeat != stalled_heartbeat) {
            // The probe ran again: the stall is over. The route seen most often held the loop.
            std::size_t worst = 0;
            for (std::size_t r = 1; r < route_count; ++r)
                if (samples[r] > samples[worst]) worst = r;
            const StallRecord record{unix_ms_at(stalled_heartbeat),
                                     ms(heartbeat - stalled_heartbeat), static_cast<Route>(worst)};
            watch_.stalls.finish(record);
            log_format(LogLevel::warning,
                       "ranking-server: event loop was blocked for %.0f ms, mostly by %s\n",
                       record.duration_ms, std::string(route_name(record.route)).c_str());
            in_stall = false;
        }
        if (blocked <= std::chrono::milliseconds(stall_warn_ms_.load())) continue;

        const auto scope = watch_.scopes.current();
        samples[static_cast<std::size_t>(scope.active ? scope.route : Route::other)]++;
        if (!in_stall) {
            in_stall = true;
            stalled_heartbeat = heartbeat;
            samples = {};
            samples[static_cast<std::size_t>(scope.active ? scope.route : Route::other)] = 1;
            next_report = blocked;
            watch_.stalls.start(unix_ms_at(heartbeat), scope.active ? scope.route : Route::other);
        }
        if (blocked >= next_report) {
            // Report at the threshold, then each time the stall doubles: bounded log volume.
            warn(scope, blocked, levels_);
            if (scope.active) watch_.scopes.flag(scope.request_id);
            next_report = blocked * 2;
        }
    }
}

} // namespace ranking
