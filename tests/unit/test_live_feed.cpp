#include "live_feed.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace ranking;

TEST_CASE("window quantiles come from bucket deltas, interpolated inside the bucket") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> bounds{0.1, 0.2, 0.4, inf};
    // Before: 10 observations under 0.1. After: 10 more, all between 0.2 and 0.4.
    const std::vector<double> before{10, 10, 10, 10};
    const std::vector<double> after{10, 10, 20, 20};
    CHECK(*window_quantile(bounds, before, after, 0.5) == doctest::Approx(0.3));
    CHECK(*window_quantile(bounds, before, after, 1.0) == doctest::Approx(0.4));
    CHECK_FALSE(window_quantile(bounds, after, after, 0.99).has_value());
    // From nothing: the first window counts everything.
    CHECK(*window_quantile(bounds, {}, after, 0.25) == doctest::Approx(0.05));
    // Past the last finite bound, the quantile is that bound (it never invents a value).
    CHECK(*window_quantile(bounds, {}, {0, 0, 0, 5}, 0.5) == doctest::Approx(0.4));
}
