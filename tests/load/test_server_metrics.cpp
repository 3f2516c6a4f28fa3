// The server's view in ranking-load: the /metrics text parser and the per-second deltas, on
// exposition text captured from ranking-server (inline mode, one hash thread, under load).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "metrics_text.hpp"
#include "server_view.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

using namespace ranking;
using namespace ranking::load;

namespace {

// Two scrapes of the same server one second apart; only the lines ranking-load reads, plus
// their neighbours' HELP/TYPE comments and a labelled histogram it must step over.
const std::string before =
    R"(# HELP ranking_event_loop_busy_seconds_total Time the data loop spent inside the server's own handlers
# TYPE ranking_event_loop_busy_seconds_total counter
ranking_event_loop_busy_seconds_total 1.289747965
# HELP ranking_event_loop_stalls_total Loop stalls past --stall-warn-ms, by the route that held the loop
# TYPE ranking_event_loop_stalls_total counter
ranking_event_loop_stalls_total{route="other"} 0
ranking_event_loop_stalls_total{route="/healthz"} 0
ranking_event_loop_stalls_total{route="/leaderboard"} 0
ranking_event_loop_stalls_total{route="/players"} 0
ranking_event_loop_stalls_total{route="/rank"} 0
# HELP ranking_requests_in_flight Data plane requests read and not yet answered
# TYPE ranking_requests_in_flight gauge
ranking_requests_in_flight 0
# HELP ranking_hash_pool_queue_depth Token hashes waiting for a pool thread
# TYPE ranking_hash_pool_queue_depth gauge
ranking_hash_pool_queue_depth 0
# HELP ranking_hash_mode 1 for the mode the hash runs in now (offload or inline)
# TYPE ranking_hash_mode gauge
ranking_hash_mode{mode="inline"} 1
ranking_hash_mode{mode="offload"} 0
# HELP ranking_request_duration_seconds Request handling time, request read to answer ready
# TYPE ranking_request_duration_seconds histogram
ranking_request_duration_seconds_count{mode="inline",route="other"} 0
ranking_request_duration_seconds_sum{mode="inline",route="other"} 0
ranking_request_duration_seconds_bucket{mode="inline",route="other",le="0.0001"} 0
ranking_request_duration_seconds_bucket{mode="inline",route="other",le="+Inf"} 0
# HELP ranking_event_loop_lag_seconds How late the data loop's 10 ms probe timer fired (missed ticks included)
# TYPE ranking_event_loop_lag_seconds histogram
ranking_event_loop_lag_seconds_count 203
ranking_event_loop_lag_seconds_sum 2.453241854999999
ranking_event_loop_lag_seconds_bucket{le="0.0001"} 53
ranking_event_loop_lag_seconds_bucket{le="0.00025"} 77
ranking_event_loop_lag_seconds_bucket{le="0.0005"} 78
ranking_event_loop_lag_seconds_bucket{le="0.001"} 78
ranking_event_loop_lag_seconds_bucket{le="0.0025"} 82
ranking_event_loop_lag_seconds_bucket{le="0.005"} 98
ranking_event_loop_lag_seconds_bucket{le="0.01"} 115
ranking_event_loop_lag_seconds_bucket{le="0.025"} 170
ranking_event_loop_lag_seconds_bucket{le="0.05"} 197
ranking_event_loop_lag_seconds_bucket{le="0.1"} 203
ranking_event_loop_lag_seconds_bucket{le="0.25"} 203
ranking_event_loop_lag_seconds_bucket{le="0.5"} 203
ranking_event_loop_lag_seconds_bucket{le="1"} 203
ranking_event_loop_lag_seconds_bucket{le="2.5"} 203
ranking_event_loop_lag_seconds_bucket{le="5"} 203
ranking_event_loop_lag_seconds_bucket{le="10"} 203
ranking_event_loop_lag_seconds_bucket{le="+Inf"} 203
)";

const std::string after = R"(ranking_event_loop_busy_seconds_total 2.032479015
ranking_event_loop_stalls_total{route="other"} 0
ranking_event_loop_stalls_total{route="/healthz"} 0
ranking_event_loop_stalls_total{route="/leaderboard"} 0
ranking_event_loop_stalls_total{route="/players"} 0
ranking_event_loop_stalls_total{route="/rank"} 1
ranking_requests_in_flight 3
ranking_hash_pool_queue_depth 0
ranking_hash_mode{mode="inline"} 1
ranking_hash_mode{mode="offload"} 0
ranking_event_loop_lag_seconds_count 304
ranking_event_loop_lag_seconds_sum 4.815177032
ranking_event_loop_lag_seconds_bucket{le="0.0001"} 69
ranking_event_loop_lag_seconds_bucket{le="0.00025"} 103
ranking_event_loop_lag_seconds_bucket{le="0.0005"} 104
ranking_event_loop_lag_seconds_bucket{le="0.001"} 105
ranking_event_loop_lag_seconds_bucket{le="0.0025"} 111
ranking_event_loop_lag_seconds_bucket{le="0.005"} 132
ranking_event_loop_lag_seconds_bucket{le="0.01"} 160
ranking_event_loop_lag_seconds_bucket{le="0.025"} 238
ranking_event_loop_lag_seconds_bucket{le="0.05"} 283
ranking_event_loop_lag_seconds_bucket{le="0.1"} 301
ranking_event_loop_lag_seconds_bucket{le="0.25"} 304
ranking_event_loop_lag_seconds_bucket{le="0.5"} 304
ranking_event_loop_lag_seconds_bucket{le="1"} 304
ranking_event_loop_lag_seconds_bucket{le="2.5"} 304
ranking_event_loop_lag_seconds_bucket{le="5"} 304
ranking_event_loop_lag_seconds_bucket{le="10"} 304
ranking_event_loop_lag_seconds_bucket{le="+Inf"} 304
)";

CumulativeBuckets buckets(std::vector<double> bounds, std::vector<double> cumulative) {
    bounds.push_back(INFINITY);
    cumulative.push_back(cumulative.back());
    return {bounds, cumulative};
}

} // namespace

TEST_CASE("the parser reads every sample of ranking-server's exposition and skips comments") {
    const auto samples = parse_metrics_text(before);
    CHECK(samples.size() == 33);
    CHECK(samples.front().name == "ranking_event_loop_busy_seconds_total");
    CHECK(samples.front().labels.empty());
    CHECK(samples.front().value == doctest::Approx(1.289747965));
    const auto& labelled = samples[12];
    CHECK(labelled.name == "ranking_request_duration_seconds_bucket");
    REQUIRE(labelled.labels.size() == 3);
    CHECK(*labelled.label("mode") == "inline");
    CHECK(*labelled.label("route") == "other");
    CHECK(*labelled.label("le") == "0.0001");
    CHECK(labelled.label("quantile") == nullptr);
    CHECK(samples.back().value == 203);
    CHECK(*samples.back().label("le") == "+Inf");
}

TEST_CASE("the parser takes the format's escapes, timestamps, Inf and CRLF, and skips junk") {
    const auto samples =
        parse_metrics_text("a{path=\"C:\\\\x\",say=\"\\\"hi\\\"\\n\",} 1.5e3 1712345678000\r\n"
                           "\n"
                           "  # indented comment\n"
                           "b +Inf\n"
                           "c{le=\"1\"} -Inf\n"
                           "d NaN\n"
                           "broken{le=\"1\" 3\n"
                           "no_value\n"
                           "e 12abc\n"
                           "f{x=\"1\"}7");
    REQUIRE(samples.size() == 5);
    CHECK(samples[0].name == "a");
    CHECK(*samples[0].label("path") == "C:\\x");
    CHECK(*samples[0].label("say") == "\"hi\"\n");
    CHECK(samples[0].value == 1500);
    CHECK(std::isinf(samples[1].value));
    CHECK(samples[1].value > 0);
    CHECK(samples[2].value < 0);
    CHECK(std::isnan(samples[3].value));
    CHECK(samples[4].name == "f");
    CHECK(samples[4].value == 7);
}

TEST_CASE("a snapshot gathers the loop's histogram, counters, gauges and mode") {
    const auto s = read_snapshot(parse_metrics_text(after));
    REQUIRE(s.loop_lag.upper_bounds.size() == 17);
    CHECK(s.loop_lag.upper_bounds.front() == 0.0001);
    CHECK(std::isinf(s.loop_lag.upper_bounds.back()));
    CHECK(s.loop_lag.cumulative.back() == 304);
    CHECK(*s.busy_seconds == doctest::Approx(2.032479015));
    CHECK(*s.stalls == 1);
    CHECK(*s.in_flight == 3);
    CHECK(*s.queue_depth == 0);
    CHECK(*s.mode == "inline");

    const auto empty = read_snapshot(parse_metrics_text("# nothing of ours\nother_metric 4\n"));
    CHECK(empty.loop_lag.cumulative.empty());
    CHECK_FALSE(empty.busy_seconds);
    CHECK_FALSE(empty.mode);
}

TEST_CASE("one second of the server's view comes from the deltas of two scrapes") {
    const auto earlier = read_snapshot(parse_metrics_text(before));
    const auto later = read_snapshot(parse_metrics_text(after));
    const auto second = server_second(&earlier, later, 1.0);
    // 101 lag observations: 98 up to 100 ms, 3 in (100, 250] ms; rank 99.99 lies 1.99/3 in.
    CHECK(*second.lag_p99_ms == doctest::Approx(100 + 150 * 1.99 / 3));
    CHECK(*second.lag_max_ms == doctest::Approx(250));
    CHECK(*second.busy_ratio == doctest::Approx(0.74273105));
    CHECK(*second.stalls == 1);
    CHECK(*second.in_flight == 3);
    CHECK(*second.queue_depth == 0);
    CHECK(*second.mode == "inline");
    CHECK(*second.span_s == 1.0);

    // After a failed scrape the deltas span two seconds; the ratio stays per wall second.
    const auto longer = server_second(&earlier, later, 2.0);
    CHECK(*longer.busy_ratio == doctest::Approx(0.74273105 / 2));
    CHECK(*longer.span_s == 2.0);

    // Without the previous second's scrape only the gauges are known.
    const auto alone = server_second(nullptr, later, 1.0);
    CHECK_FALSE(alone.lag_p99_ms);
    CHECK_FALSE(alone.busy_ratio);
    CHECK_FALSE(alone.stalls);
    CHECK_FALSE(alone.span_s);
    CHECK(*alone.in_flight == 3);

    // A server restarted in between: counters fell, no delta is made up.
    const auto restarted = server_second(&later, earlier, 1.0);
    CHECK_FALSE(restarted.lag_p99_ms);
    CHECK_FALSE(restarted.busy_ratio);
    CHECK_FALSE(restarted.stalls);
}

TEST_CASE("histogram_quantile interpolates inside the bucket as Prometheus does") {
    const auto b = buckets({0.1, 0.2, 0.4}, {10, 30, 40});
    CHECK(*histogram_quantile(0.5, b) == doctest::Approx(0.15));   // rank 20: half of (0.1, 0.2]
    CHECK(*histogram_quantile(0.25, b) == doctest::Approx(0.1));   // rank 10: the bound itself
    CHECK(*histogram_quantile(0.125, b) == doctest::Approx(0.05)); // the first bucket from 0
    CHECK(*histogram_quantile(0.99, b) == doctest::Approx(0.2 + 0.2 * 9.6 / 10));
    CHECK(*histogram_max_bound(b) == 0.4);

    // Observations past the last finite bound: both report that bound, a floor of the truth.
    const CumulativeBuckets overflow{{0.1, 0.2, INFINITY}, {1, 1, 5}};
    CHECK(*histogram_quantile(0.99, overflow) == 0.2);
    CHECK(*histogram_max_bound(overflow) == 0.2);

    const auto idle = buckets({0.1, 0.2}, {0, 0});
    CHECK_FALSE(histogram_quantile(0.99, idle));
    CHECK_FALSE(histogram_max_bound(idle));
    CHECK_FALSE(histogram_quantile(0.99, CumulativeBuckets{}));
}

TEST_CASE("bucket deltas need the same bounds and counts that never fall") {
    const auto a = buckets({0.1, 0.2}, {1, 2});
    const auto b = buckets({0.1, 0.2}, {4, 7});
    const auto delta = bucket_delta(a, b);
    REQUIRE(delta);
    CHECK(delta->cumulative == std::vector<double>{3, 5, 5});
    CHECK_FALSE(bucket_delta(b, a));
    CHECK_FALSE(bucket_delta(a, buckets({0.1, 0.3}, {4, 7})));
}
