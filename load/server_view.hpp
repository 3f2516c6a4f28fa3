#pragma once
// The server's own view of its data loop, read from /metrics: one snapshot per scrape, and what
// changed between two consecutive scrapes (one second of the timeline).
#include "cumulative_histogram.hpp"
#include "metrics_text.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ranking::load {

struct ServerSnapshot {
    CumulativeBuckets loop_lag;         // ranking_event_loop_lag_seconds
    std::optional<double> busy_seconds; // ranking_event_loop_busy_seconds_total
    std::optional<double> stalls;       // ranking_event_loop_stalls_total, over every route
    std::optional<double> queue_depth;  // ranking_hash_pool_queue_depth
    std::optional<double> in_flight;    // ranking_requests_in_flight
    std::optional<std::string> mode;    // the ranking_hash_mode label whose value is 1
};

ServerSnapshot read_snapshot(const std::vector<MetricSample>& samples);

// One second of the timeline from the server's side; its deltas run from the previous scrape.
struct ServerSecond {
    std::optional<double> span_s; // what the deltas cover: 1 s, more after a failed scrape
    std::optional<double> lag_p99_ms;
    std::optional<double> lag_max_ms;
    std::optional<double> busy_ratio; // loop busy seconds per wall second
    std::optional<double> queue_depth;
    std::optional<double> in_flight;
    std::optional<double> stalls; // in this second, over every route
    std::optional<std::string> mode;
};

// `previous` was taken `wall_seconds` before `now`, or is missing (gauges only then).
ServerSecond server_second(const ServerSnapshot* previous, const ServerSnapshot& now,
                           double wall_seconds);

} // namespace ranking::load
