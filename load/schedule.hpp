#pragma once
// The open-loop plan: when each request is due, fixed before the run and blind to answers.
#include <chrono>
#include <cstdint>
#include <random>

namespace ranking::load {

enum class Arrivals { uniform, poisson };

class ArrivalPlan {
public:
    // `rate` requests per second; `phase` shifts the first arrival (uniform shards interleave).
    ArrivalPlan(double rate, Arrivals arrivals, std::uint64_t seed,
                std::chrono::nanoseconds phase = {});

    // The next due time, counted from the start of the run; never earlier than the last.
    std::chrono::nanoseconds next();

private:
    double interval_ns_;
    Arrivals arrivals_;
    std::mt19937_64 random_;
    std::exponential_distribution<double> gap_;
    double due_ns_;
    std::uint64_t issued_ = 0;
};

} // namespace ranking::load
