#pragma once
// Prometheus-style cumulative histograms as the server exposes them: the dashboard and the load
// tool both turn two snapshots into one window's percentiles with these.
#include <optional>
#include <vector>

namespace ranking {

// Counts of observations <= each upper bound; bounds ascending, +Inf last.
struct CumulativeBuckets {
    std::vector<double> upper_bounds;
    std::vector<double> cumulative;
};

// `later` minus `earlier`, bucket by bucket; nothing when the bounds differ or a count fell
// (the server restarted in between).
std::optional<CumulativeBuckets> bucket_delta(const CumulativeBuckets& earlier,
                                              const CumulativeBuckets& later);

// The q-quantile as Prometheus' histogram_quantile estimates it: linear inside the bucket that
// holds it, from 0 for the first bucket, the highest finite bound when it lies in +Inf.
std::optional<double> histogram_quantile(double q, const CumulativeBuckets& buckets);

// The upper bound of the highest bucket with observations (the highest finite bound when only
// +Inf has them): the most the worst observation can have been.
std::optional<double> histogram_max_bound(const CumulativeBuckets& buckets);

} // namespace ranking
