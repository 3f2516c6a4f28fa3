#pragma once
// A log-linear latency histogram (HdrHistogram's idea in ~100 lines): values in microseconds,
// relative error at most 2^-k for k precision bits, mergeable by adding counts. No Asio here.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ranking {

class LatencyHistogram {
public:
    // k = 7 bounds the error by 0.8%, k = 10 by 0.1%. Buckets grow on demand up to the largest
    // value recorded (k = 10: about 140 KB for values up to 67 s).
    explicit LatencyHistogram(unsigned precision_bits = 10);

    void record(std::uint64_t value, std::uint64_t times = 1);

    // Adds the other histogram's counts; both must have the same precision (else
    // std::invalid_argument).
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
    std::uint64_t max() const noexcept { return max_; }
    std::uint64_t sum() const noexcept { return sum_; }
    double mean() const noexcept;
    unsigned precision_bits() const noexcept { return bits_; }

    // The smallest recorded value v such that at least `percent`% of the values are <= v, as the
    // upper bound of v's bucket (capped at the exact max): it may over-report by 2^-k, never
    // under-report. 0 when empty; percent is clamped to [0, 100].
    std::uint64_t percentile(double percent) const noexcept;

    // The bucket layout, exposed for tests: values below 2^(k+1) have a bucket each; above, each
    // power of two is split into 2^k equal buckets.
    std::size_t bucket_of(std::uint64_t value) const noexcept;
    std::uint64_t bucket_lower_bound(std::size_t bucket) const noexcept;
    std::uint64_t bucket_upper_bound(std::size_t bucket) const noexcept;

private:
    unsigned bits_;
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
    std::uint64_t sum_ = 0;
};

} // namespace ranking
