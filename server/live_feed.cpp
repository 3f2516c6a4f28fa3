#include "live_feed.hpp"

#include "unix_time.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ranking {
namespace {

constexpr auto lag_probe_period = std::chrono::milliseconds(10);

double round3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}

std::string label(const prometheus::ClientMetric& metric, const std::string& name) {
    for (const auto& l : metric.label)
        if (l.name == name) return l.value;
    return {};
}

// Each family's histograms summed per route (over modes), as cumulative bucket counts.
std::map<std::string, LiveFeed::Buckets>
histograms_by_route(const std::vector<prometheus::MetricFamily>& families) {
    std::map<std::string, LiveFeed::Buckets> out;
    for (const auto& family : families) {
        if (family.name != "ranking_event_loop_lag_seconds" &&
            family.name != "ranking_request_duration_seconds")
            continue;
        for (const auto& metric : family.metric) {
            auto& b = out[family.name + label(metric, "route")];
            const auto& buckets = metric.histogram.bucket;
            b.upper_bounds.resize(buckets.size());
            b.cumulative.resize(buckets.size(), 0);
            for (std::size_t i = 0; i < buckets.size(); ++i) {
                b.upper_bounds[i] = buckets[i].upper_bound;
                b.cumulative[i] += static_cast<double>(buckets[i].cumulative_count);
            }
        }
    }
    return out;
}

} // namespace

std::optional<double> window_quantile(const std::vector<double>& upper_bounds,
                                      const std::vector<double>& before,
                                      const std::vector<double>& after, double q) {
    const auto delta = [&](std::size_t i) {
        return after[i] - (i < before.size() ? before[i] : 0);
    };
    const double total = delta(after.size() - 1);
    if (total <= 0) return std::nullopt;
    const double wanted = q * total;
    double lower = 0;
    for (std::size_t i = 0; i < after.size(); ++i) {
        const double below = i == 0 ? 0 : delta(i - 1);
        if (delta(i) >= wanted) {
            if (std::isinf(upper_bounds[i])) return lower; // past the last bound: say the bound
            const double in_bucket = delta(i) - below;
            const double share = in_bucket > 0 ? (wanted - below) / in_bucket : 1;
            return lower + (upper_bounds[i] - lower) * share;
        }
        if (!std::isinf(upper_bounds[i])) lower = upper_bounds[i];
    }
    return lower;
}

LiveFeed::LiveFeed(ServerMetrics& metrics, const LoopWatch& watch, const LoadLevels& levels,
                   const std::atomic<HashMode>& mode)
    : metrics_(metrics), watch_(watch), levels_(levels), mode_(mode), previous_at_(Clock::now()),
      previous_busy_(watch.busy_seconds(previous_at_)),
      previous_(histograms_by_route(metrics_.collect(levels_, mode_.load()))) {}

std::string LiveFeed::next_sample() {
    const auto now = Clock::now();
    const auto mode = mode_.load();
    const auto families = metrics_.collect(levels_, mode);
    const double window = std::chrono::duration<double>(now - previous_at_).count();

    auto current = histograms_by_route(families);
    const auto quantile_ms = [&](const std::string& key, double q) -> nlohmann::json {
        const auto& after = current[key];
        const auto before =
            previous_.count(key) ? previous_[key].cumulative : std::vector<double>{};
        const auto value = window_quantile(after.upper_bounds, before, after.cumulative, q);
        return value ? nlohmann::json(round3(*value * 1000.0)) : nlohmann::json(nullptr);
    };

    // While the loop is frozen its probe cannot report: the heartbeat's age is the lag now.
    const double lag_now = std::max(
        0.0,
        std::chrono::duration<double>(now - watch_.last_heartbeat() - lag_probe_period).count());
    const double busy = watch_.busy_seconds(now);

    nlohmann::json sample{
        {"t", unix_ms_now()},
        {"mode", to_string(mode)},
        {"lag_p99_ms", quantile_ms("ranking_event_loop_lag_seconds", 0.99)},
        {"lag_max_ms", round3(std::max(watch_.recent_max_lag_seconds(), lag_now) * 1000.0)},
        {"lag_now_ms", round3(lag_now * 1000.0)},
        {"busy_ratio", window > 0 ? round3(std::min(1.0, (busy - previous_busy_) / window)) : 0.0},
        {"in_flight", levels_.in_flight.load()},
        {"pool_queue", levels_.hash_queue.load()},
        {"connections", levels_.open_connections.load()},
    };
    auto routes = nlohmann::json::object();
    for (std::size_t r = 0; r < route_count; ++r) {
        const std::string route(route_name(static_cast<Route>(r)));
        const auto key = "ranking_request_duration_seconds" + route;
        const auto& after = current[key].cumulative;
        const double before = previous_.count(key) && !previous_[key].cumulative.empty()
                                  ? previous_[key].cumulative.back()
                                  : 0;
        const double count = after.empty() ? 0 : after.back() - before;
        if (count <= 0) continue;
        routes[route] = {{"rate", round3(count / window)},
                         {"p50_ms", quantile_ms(key, 0.5)},
                         {"p99_ms", quantile_ms(key, 0.99)}};
    }
    sample["routes"] = routes;

    auto stalls = nlohmann::json::array();
    for (const auto& s : watch_.recent_stalls())
        stalls.push_back({{"start", s.started_unix_ms},
                          {"end", s.started_unix_ms + static_cast<std::int64_t>(s.duration_ms)},
                          {"route", route_name(s.route)}});
    if (const auto since = watch_.stall_in_progress_since_unix_ms())
        stalls.push_back({{"start", since},
                          {"end", nullptr},
                          {"route", route_name(watch_.stall_in_progress_route())}});
    sample["stalls"] = stalls;

    previous_ = std::move(current);
    previous_at_ = now;
    previous_busy_ = busy;
    return sample.dump();
}

} // namespace ranking
