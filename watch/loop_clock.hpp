#pragma once
#include <chrono>

namespace ranking {

// The clock the loop's instruments read: monotonic, so a step of the wall clock moves no figure.
using Clock = std::chrono::steady_clock;

inline double milliseconds_of(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace ranking
