#include "server_view.hpp"

#include <algorithm>
#include <cmath>

namespace ranking::load {
namespace {

constexpr double lag_quantile = 0.99;

std::optional<double> counter_delta(const std::optional<double>& earlier,
                                    const std::optional<double>& later) {
    if (!earlier || !later || *later < *earlier) return std::nullopt;
    return *later - *earlier;
}

std::optional<double> to_ms(std::optional<double> seconds) {
    if (!seconds) return std::nullopt;
    return *seconds * 1000.0;
}

// Bucket lines may come in any order; the quantile needs them by bound.
CumulativeBuckets sorted(std::vector<std::pair<double, double>> pairs) {
    std::sort(pairs.begin(), pairs.end());
    CumulativeBuckets buckets;
    for (const auto& [bound, count] : pairs) {
        buckets.upper_bounds.push_back(bound);
        buckets.cumulative.push_back(count);
    }
    return buckets;
}

} // namespace

ServerSnapshot read_snapshot(const std::vector<MetricSample>& samples) {
    ServerSnapshot snapshot;
    std::vector<std::pair<double, double>> lag;
    const auto add = [](std::optional<double>& sum, double value) {
        sum = sum.value_or(0) + value;
    };
    for (const auto& s : samples) {
        if (s.name == "ranking_event_loop_lag_seconds_bucket") {
            const auto* le = s.label("le");
            if (!le) continue;
            if (const auto bound = parse_metric_value(*le)) lag.emplace_back(*bound, s.value);
        } else if (s.name == "ranking_event_loop_busy_seconds_total") {
            add(snapshot.busy_seconds, s.value);
        } else if (s.name == "ranking_event_loop_stalls_total") {
            add(snapshot.stalls, s.value);
        } else if (s.name == "ranking_hash_pool_queue_depth") {
            add(snapshot.queue_depth, s.value);
        } else if (s.name == "ranking_requests_in_flight") {
            add(snapshot.in_flight, s.value);
        } else if (s.name == "ranking_hash_mode" && s.value == 1 && s.label("mode")) {
            snapshot.mode = *s.label("mode");
        }
    }
    snapshot.loop_lag = sorted(std::move(lag));
    return snapshot;
}

ServerSecond server_second(const ServerSnapshot* previous, const ServerSnapshot& now,
                           double wall_seconds) {
    ServerSecond second;
    second.queue_depth = now.queue_depth;
    second.in_flight = now.in_flight;
    second.mode = now.mode;
    if (!previous || wall_seconds <= 0) return second;
    second.span_s = wall_seconds;
    if (const auto lag = bucket_delta(previous->loop_lag, now.loop_lag)) {
        second.lag_p99_ms = to_ms(histogram_quantile(lag_quantile, *lag));
        second.lag_max_ms = to_ms(histogram_max_bound(*lag));
    }
    if (const auto busy = counter_delta(previous->busy_seconds, now.busy_seconds))
        second.busy_ratio = *busy / wall_seconds;
    second.stalls = counter_delta(previous->stalls, now.stalls);
    return second;
}

} // namespace ranking::load
