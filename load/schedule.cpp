#include "schedule.hpp"

#include <cmath>

namespace ranking::load {

ArrivalPlan::ArrivalPlan(double rate, Arrivals arrivals, std::uint64_t seed,
                         std::chrono::nanoseconds phase)
    : interval_ns_(1e9 / rate), arrivals_(arrivals), random_(seed), gap_(1.0),
      due_ns_(static_cast<double>(phase.count())) {}

std::chrono::nanoseconds ArrivalPlan::next() {
    double due = 0;
    if (arrivals_ == Arrivals::uniform) {
        // From the index, not by summing intervals, so rounding never drifts the rate.
        due = due_ns_ + static_cast<double>(issued_) * interval_ns_;
    } else {
        due = due_ns_;
        due_ns_ += gap_(random_) * interval_ns_;
    }
    ++issued_;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(due)));
}

} // namespace ranking::load
