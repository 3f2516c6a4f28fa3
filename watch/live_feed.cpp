#include "live_feed.hpp"

#include "unix_time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
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
std::map<std::string, CumulativeBuckets>
histograms_by_route(const std::vector<prometheus::MetricFamily>& families) {
    std::map<std::string, CumulativeBuckets> out;
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

LiveFeed::LiveFeed(ServerMetrics& metrics, const LoopWatch& watch, const LoadLevels& levels,
                   const std::atomic<WorkPlacement>& mode, std::uint16_t data_port)
    : metrics_(metrics), watch_(watch), levels_(levels), mode_(mode), data_port_(data_port),
      previous_at_(Clock::now()), previous_busy_(watch.loop_thread.cpu_seconds().value_or(0)),
      previous_handler_(watch.scopes.handler_seconds(previous_at_)),
      previous_(histograms_by_route(
          metrics_.collect(levels_, mode_.load(), watch.loop_thread.cpu_seconds()))) {}

std::string LiveFeed::next_sample() {
    const auto now = Clock::now();
    const auto mode = mode_.load();
    const auto loop_cpu = watch_.loop_thread.cpu_seconds();
    const auto families = metrics_.collect(levels_, mode, loop_cpu);
    const double window = std::chrono::duration<double>(now - previous_at_).count();

    auto current = histograms_by_route(families);
    // What each histogram counted since the previous sample (all of it, if it is new).
    const auto window_of = [&](const std::string& key) {
        const auto earlier = previous_.find(key);
        return earlier == previous_.end() ? std::optional(current[key])
                                          : bucket_delta(earlier->second, current[key]);
    };
    const auto quantile_ms = [](const std::optional<CumulativeBuckets>& counted,
                                double q) -> nlohmann::json {
        const auto value = counted ? histogram_quantile(q, *counted) : std::nullopt;
        return value ? nlohmann::json(round3(*value * 1000.0)) : nlohmann::json(nullptr);
    };

    // While the loop is frozen its probe cannot report: the heartbeat's age is the lag now.
    const double lag_now = std::max(
        0.0,
        std::chrono::duration<double>(now - watch_.heartbeat.last() - lag_probe_period).count());
    // Busy: the loop thread's CPU time per wall second (all of its work); handlers: the share of
    // it spent in our own scopes (the rest is Beast and Asio).
    const double busy = loop_cpu.value_or(previous_busy_);
    const double handlers = watch_.scopes.handler_seconds(now);
    const auto ratio = [window](double delta) {
        return window > 0 ? round3(std::clamp(delta / window, 0.0, 1.0)) : 0.0;
    };

    nlohmann::json sample{
        {"t", unix_ms_now()},
        {"mode", to_string(mode)},
        {"lag_p99_ms", quantile_ms(window_of("ranking_event_loop_lag_seconds"), 0.99)},
        {"lag_max_ms",
         round3(std::max(watch_.heartbeat.recent_max_lag_seconds(), lag_now) * 1000.0)},
        {"lag_now_ms", round3(lag_now * 1000.0)},
        {"busy_ratio", ratio(busy - previous_busy_)},
        {"handler_ratio", ratio(handlers - previous_handler_)},
        {"in_flight", levels_.in_flight.load()},
        {"pool_queue", levels_.hash_queue.load()},
        {"connections", levels_.connections.open_connections.load()},
        {"data_port", data_port_},
    };
    auto routes = nlohmann::json::object();
    for (std::size_t r = 0; r < route_count; ++r) {
        const std::string route(route_name(static_cast<Route>(r)));
        const auto handled = window_of("ranking_request_duration_seconds" + route);
        if (!handled || handled->cumulative.empty() || handled->cumulative.back() <= 0) continue;
        routes[route] = {{"rate", round3(handled->cumulative.back() / window)},
                         {"p50_ms", quantile_ms(handled, 0.5)},
                         {"p99_ms", quantile_ms(handled, 0.99)}};
    }
    sample["routes"] = routes;

    // The stalls themselves are read from /stalls when this count moves; the one in progress
    // is here, to draw while it lasts.
    sample["stalls_ended"] = watch_.stalls.ended_total();
    const auto ongoing = watch_.stalls.in_progress();
    sample["stall_ongoing"] = ongoing ? nlohmann::json{{"start", ongoing->started_unix_ms},
                                                       {"route", route_name(ongoing->route)},
                                                       {"kind", to_string(ongoing->kind)}}
                                      : nlohmann::json(nullptr);

    previous_ = std::move(current);
    previous_at_ = now;
    previous_busy_ = busy;
    previous_handler_ = handlers;
    return sample.dump();
}

} // namespace ranking
