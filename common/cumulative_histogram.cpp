#include "cumulative_histogram.hpp"

#include <cmath>

namespace ranking {

std::optional<CumulativeBuckets> bucket_delta(const CumulativeBuckets& earlier,
                                              const CumulativeBuckets& later) {
    if (earlier.upper_bounds != later.upper_bounds) return std::nullopt;
    CumulativeBuckets delta{later.upper_bounds, {}};
    for (std::size_t i = 0; i < later.cumulative.size(); ++i) {
        if (later.cumulative[i] < earlier.cumulative[i]) return std::nullopt;
        delta.cumulative.push_back(later.cumulative[i] - earlier.cumulative[i]);
    }
    return delta;
}

std::optional<double> histogram_quantile(double q, const CumulativeBuckets& b) {
    const std::size_t n = b.cumulative.size();
    if (n < 2 || !std::isinf(b.upper_bounds.back()) || b.cumulative.back() <= 0)
        return std::nullopt;
    const double rank = q * b.cumulative.back();
    std::size_t i = 0;
    while (i + 1 < n && b.cumulative[i] < rank)
        ++i;
    if (i == n - 1) return b.upper_bounds[n - 2];
    const double lower = i == 0 ? 0.0 : b.upper_bounds[i - 1];
    const double below = i == 0 ? 0.0 : b.cumulative[i - 1];
    const double inside = b.cumulative[i] - below;
    if (inside <= 0) return b.upper_bounds[i];
    return lower + (b.upper_bounds[i] - lower) * (rank - below) / inside;
}

std::optional<double> histogram_max_bound(const CumulativeBuckets& b) {
    const std::size_t n = b.cumulative.size();
    if (n < 2 || b.cumulative.back() <= 0) return std::nullopt;
    std::size_t i = 0;
    while (b.cumulative[i] < b.cumulative.back())
        ++i;
    return std::isinf(b.upper_bounds[i]) ? b.upper_bounds[n - 2] : b.upper_bounds[i];
}

} // namespace ranking
