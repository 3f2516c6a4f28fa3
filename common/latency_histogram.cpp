#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ranking {

LatencyHistogram::LatencyHistogram(unsigned precision_bits) : bits_(precision_bits) {
    if (precision_bits < 1 || precision_bits > 16)
        throw std::invalid_argument("histogram precision bits must be 1..16");
}

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) const noexcept {
    const std::uint64_t linear = std::uint64_t{1} << bits_;
    if (value < linear) return static_cast<std::size_t>(value);
    const auto shift = static_cast<unsigned>(std::bit_width(value)) - 1 - bits_;
    return static_cast<std::size_t>(((std::uint64_t{shift} + 1) << bits_) + (value >> shift) -
                                    linear);
}

std::uint64_t LatencyHistogram::bucket_lower_bound(std::size_t bucket) const noexcept {
    const std::uint64_t linear = std::uint64_t{1} << bits_;
    if (bucket < linear) return bucket;
    const auto shift = static_cast<unsigned>((bucket >> bits_) - 1);
    const std::uint64_t mantissa = (bucket & (linear - 1)) + linear;
    return mantissa << shift;
}

std::uint64_t LatencyHistogram::bucket_upper_bound(std::size_t bucket) const noexcept {
    const std::uint64_t linear = std::uint64_t{1} << bits_;
    if (bucket < linear) return bucket;
    const auto shift = static_cast<unsigned>((bucket >> bits_) - 1);
    const std::uint64_t lower = bucket_lower_bound(bucket);
    const std::uint64_t width = std::uint64_t{1} << shift;
    // The top bucket ends at the largest 64-bit value; avoid wrapping past it.
    return lower > std::numeric_limits<std::uint64_t>::max() - (width - 1) ? lower
                                                                           : lower + (width - 1);
}

void LatencyHistogram::record(std::uint64_t value, std::uint64_t times) {
    if (times == 0) return;
    const auto bucket = bucket_of(value);
    if (bucket >= counts_.size()) counts_.resize(bucket + 1, 0);
    counts_[bucket] += times;
    min_ = count_ ? std::min(min_, value) : value;
    max_ = std::max(max_, value);
    count_ += times;
    sum_ += value * times;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    if (other.bits_ != bits_)
        throw std::invalid_argument("cannot merge histograms of different precision");
    if (other.count_ == 0) return;
    if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
    for (std::size_t i = 0; i < other.counts_.size(); ++i)
        counts_[i] += other.counts_[i];
    min_ = count_ ? std::min(min_, other.min_) : other.min_;
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const noexcept {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
}

std::uint64_t LatencyHistogram::percentile(double percent) const noexcept {
    if (count_ == 0) return 0;
    const double clamped = std::clamp(percent, 0.0, 100.0);
    // Multiply first and forgive rounding noise: 99.9% of 1000 must be 999, not 1000.
    const double exact = clamped * static_cast<double>(count_) / 100.0;
    const auto wanted =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact - 1e-6)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= wanted) return std::min(bucket_upper_bound(i), max_);
    }
    return max_;
}

} // namespace ranking
