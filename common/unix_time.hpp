#pragma once
// Wall-clock stamps for answers, stall records and the dashboard, in Unix milliseconds.
#include <chrono>
#include <cstdint>

namespace ranking {

inline std::int64_t unix_ms_now() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The wall-clock time of a steady-clock instant in the recent past.
inline std::int64_t unix_ms_at(std::chrono::steady_clock::time_point when) {
    using namespace std::chrono;
    const auto ago = steady_clock::now() - when;
    return duration_cast<milliseconds>((system_clock::now() - ago).time_since_epoch()).count();
}

} // namespace ranking
