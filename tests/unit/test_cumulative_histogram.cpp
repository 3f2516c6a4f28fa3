#include "cumulative_histogram.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace ranking;

TEST_CASE("window quantiles come from bucket deltas, interpolated inside the bucket") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> bounds{0.1, 0.2, 0.4, inf};
    // Before: 10 observations under 0.1. After: 10 more, all between 0.2 and 0.4.
    const CumulativeBuckets before{bounds, {10, 10, 10, 10}};
    const CumulativeBuckets after{bounds, {10, 10, 20, 20}};
    const auto window = bucket_delta(before, after);
    REQUIRE(window);
    CHECK(*histogram_quantile(0.5, *window) == doctest::Approx(0.3));
    CHECK(*histogram_quantile(1.0, *window) == doctest::Approx(0.4));
    CHECK_FALSE(histogram_quantile(0.99, *bucket_delta(after, after)).has_value());
    // From nothing: the first window counts everything.
    CHECK(*histogram_quantile(0.25, after) == doctest::Approx(0.05));
    // Past the last finite bound, the quantile is that bound (it never invents a value).
    CHECK(*histogram_quantile(0.5, CumulativeBuckets{bounds, {0, 0, 0, 5}}) ==
          doctest::Approx(0.4));
}
