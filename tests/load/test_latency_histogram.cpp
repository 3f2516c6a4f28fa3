// The load tool's histogram: bucket error bound, merge, percentiles on known data, exact stats.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "latency_histogram.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>

using ranking::LatencyHistogram;

TEST_CASE("values below 2^(k+1) are exact") {
    LatencyHistogram h(7);
    for (std::uint64_t v = 0; v < 256; ++v) {
        const auto b = h.bucket_of(v);
        CHECK(h.bucket_lower_bound(b) == v);
        CHECK(h.bucket_upper_bound(b) == v);
    }
}

TEST_CASE("every value lies in its bucket and the upper bound errs by at most 2^-k") {
    for (unsigned k : {7u, 10u}) {
        LatencyHistogram h(k);
        const double bound = 1.0 / static_cast<double>(1u << k);
        std::mt19937_64 random(42);
        for (int i = 0; i < 200'000; ++i) {
            const std::uint64_t v = random() >> (random() % 64);
            const auto b = h.bucket_of(v);
            REQUIRE(h.bucket_lower_bound(b) <= v);
            REQUIRE(v <= h.bucket_upper_bound(b));
            const double error =
                static_cast<double>(h.bucket_upper_bound(b) - v) / static_cast<double>(v ? v : 1);
            REQUIRE(error <= bound);
        }
    }
}

TEST_CASE("buckets are contiguous and ordered") {
    LatencyHistogram h(7);
    for (std::size_t b = 1; b < 4000; ++b)
        REQUIRE(h.bucket_lower_bound(b) == h.bucket_upper_bound(b - 1) + 1);
    const auto top = h.bucket_of(std::numeric_limits<std::uint64_t>::max());
    CHECK(h.bucket_upper_bound(top) == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("count, min, max, sum and mean are exact") {
    LatencyHistogram h(7);
    CHECK(h.count() == 0);
    CHECK(h.min() == 0);
    CHECK(h.max() == 0);
    CHECK(h.percentile(99) == 0);
    h.record(1'000'003);
    h.record(17);
    h.record(250, 2);
    CHECK(h.count() == 4);
    CHECK(h.min() == 17);
    CHECK(h.max() == 1'000'003);
    CHECK(h.sum() == 1'000'003 + 17 + 500);
    CHECK(h.mean() == doctest::Approx((1'000'003 + 17 + 500) / 4.0));
    CHECK(h.percentile(100) == 1'000'003);
}

TEST_CASE("percentiles of 1..10000 us are within 2^-k above the true value") {
    LatencyHistogram h(10);
    for (std::uint64_t v = 1; v <= 10'000; ++v)
        h.record(v);
    const auto within = [](std::uint64_t reported, std::uint64_t truth) {
        return reported >= truth &&
               static_cast<double>(reported - truth) <= static_cast<double>(truth) / 1024.0;
    };
    CHECK(within(h.percentile(50), 5'000));
    CHECK(within(h.percentile(90), 9'000));
    CHECK(within(h.percentile(99), 9'900));
    CHECK(within(h.percentile(99.9), 9'990));
    CHECK(within(h.percentile(99.99), 9'999));
    CHECK(h.percentile(100) == 10'000);
    CHECK(h.percentile(0) == 1);
}

TEST_CASE("a stall shows in the tail: 990 fast values and 10 slow ones") {
    LatencyHistogram h(7);
    h.record(1'000, 990);
    h.record(1'000'000, 10);
    CHECK(h.percentile(99) >= 1'000);
    CHECK(h.percentile(99) <= 1'008);
    CHECK(h.percentile(99.1) >= 1'000'000);
    CHECK(h.percentile(99.1) <= 1'000'000 * 1.008);
    CHECK(h.max() == 1'000'000);
}

TEST_CASE("merge adds counts and keeps exact stats") {
    LatencyHistogram a(7), b(7), both(7);
    std::mt19937_64 random(7);
    std::uniform_int_distribution<std::uint64_t> values(1, 5'000'000);
    for (int i = 0; i < 10'000; ++i) {
        const auto v = values(random);
        (i % 3 ? a : b).record(v);
        both.record(v);
    }
    a.merge(b);
    CHECK(a.count() == both.count());
    CHECK(a.min() == both.min());
    CHECK(a.max() == both.max());
    CHECK(a.sum() == both.sum());
    for (double p : {50.0, 90.0, 99.0, 99.9, 99.99})
        CHECK(a.percentile(p) == both.percentile(p));

    LatencyHistogram empty(7);
    empty.merge(a);
    CHECK(empty.min() == a.min());
    CHECK(empty.count() == a.count());

    LatencyHistogram other_precision(10);
    CHECK_THROWS_AS(a.merge(other_precision), std::invalid_argument);
}

TEST_CASE("precision is validated") {
    CHECK_THROWS_AS(LatencyHistogram(0), std::invalid_argument);
    CHECK_THROWS_AS(LatencyHistogram(17), std::invalid_argument);
}
