#pragma once
// What one run measured: per phase and series, per second of due time, and the live counters
// behind the progress line. Each thread records into its own Recorder; results merge at the end.
#include "latency_histogram.hpp"
#include "mix.hpp"
#include "run_plan.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace ranking::load {

// unsent: still waiting for a free connection when the run's drain deadline came.
enum class ErrorClass { connect, timeout, http_status, parse, io, unsent };
inline constexpr std::size_t error_class_count = 6;
std::string_view error_class_name(ErrorClass error) noexcept;

// One request's fate. Latency always runs from the due time, whatever happened.
struct Outcome {
    Series series = Series::players;
    Clock::time_point due;
    std::optional<Clock::time_point> sent; // the request went on the wire
    Clock::time_point done;                // answered, failed or given up
    std::optional<nanoseconds> tool_lag;   // the delay that was the load tool's own fault
    bool waited = false;                   // every connection was busy at its due time
    std::optional<ErrorClass> error;
    int status = 0;
    // Never answered within --timeout: its request or its connect timed out, or it was still
    // queued or in flight when the run ended. It waited at least the timeout, but how long it
    // would have taken is unknown: `done` is only when the tool gave up, no latency to read.
    bool unanswered = false;
};

inline constexpr unsigned summary_precision = 10; // 0.1%
inline constexpr unsigned timeline_precision = 7; // 0.8%, small enough for a row per second

struct SeriesStats {
    LatencyHistogram latency{summary_precision};  // due -> done, the unanswered until given up
    LatencyHistogram known{summary_precision};    // due -> done of all but the unanswered
    LatencyHistogram service{summary_precision};  // sent -> done
    LatencyHistogram send_lag{summary_precision}; // due -> sent
    std::uint64_t planned = 0;                    // due in this phase
    std::uint64_t ok = 0;                         // 2xx answers
    std::uint64_t waited = 0;                     // found every connection busy
    std::uint64_t unanswered = 0;                 // within --timeout (Outcome::unanswered)
    std::array<std::uint64_t, error_class_count> errors{};
    std::map<int, std::uint64_t> statuses; // non-2xx answers by status

    std::uint64_t error_total() const noexcept;
    // The latency percentile with the unanswered ranked above every known latency (theirs is
    // unknown, beyond the timeout): nullopt when the percentile falls among them, so that no one
    // reads the timeout as a latency. 0 with no request; 100 is the max.
    std::optional<std::uint64_t> latency_percentile(double percent) const noexcept;
    void merge(const SeriesStats& other);
};

struct PhaseStats {
    std::array<SeriesStats, series_count> series;
    LatencyHistogram tool_lag{summary_precision};
    std::uint64_t sent = 0; // data requests put on the wire during the phase (achieved rate)
    void merge(const PhaseStats& other);
};

struct TimelineCell {
    LatencyHistogram latency{timeline_precision};
    std::uint64_t planned = 0;
    std::uint64_t errors = 0;
    std::uint64_t in_flight = 0;     // sampled at the start of the second (sent or queued)
    std::uint64_t oldest_age_us = 0; // age of the oldest of those
    void merge(const TimelineCell& other);
};
using TimelineSecond = std::array<TimelineCell, series_count>;

struct Results {
    std::vector<PhaseStats> phases;
    std::vector<TimelineSecond> timeline; // by due second; in-flight samples by wall second
    std::uint64_t reconnects = 0;         // stale keep-alive connections replaced
    void merge(const Results& other);
};

// Since the run started, for the progress line.
struct LiveCounters {
    std::uint64_t done = 0;   // data requests
    std::uint64_t errors = 0; // canary included
    std::uint64_t in_flight = 0;
    std::uint64_t oldest_age_us = 0;
    LatencyHistogram latency{timeline_precision}; // data series, warmup included
    void merge(const LiveCounters& other);
};

class Recorder {
public:
    explicit Recorder(const RunPlan& plan);

    // Set before any request is due (the start is known once every connection is up).
    void begin(Clock::time_point start) { start_ = start; }

    void planned(Series series, Clock::time_point due);
    void record(const Outcome& outcome);
    void reconnected();
    // In flight and oldest age of one series at the start of `second`.
    void sample(std::size_t second, Series series, std::uint64_t in_flight, nanoseconds oldest_age);

    LiveCounters live() const;
    Results results() const;

private:
    std::size_t second_of(Clock::time_point at) const noexcept;

    const RunPlan& plan_;
    Clock::time_point start_{};
    mutable std::mutex mutex_; // the progress line reads from the control thread
    Results results_;
    LiveCounters live_;
    std::array<std::uint64_t, series_count> live_in_flight_{};
    std::array<std::uint64_t, series_count> live_oldest_us_{};
};

} // namespace ranking::load
