#include "fresh_game_id.hpp"

#include "unix_time.hpp"

#include <cstdio>
#include <random>

namespace ranking {

std::string fresh_game_id(std::string_view prefix) {
    // The time alone repeats within a millisecond; the random suffix covers that.
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%06x", std::random_device{}() & 0xffffffu);
    return std::string(prefix) + "-" + std::to_string(unix_ms_now()) + "-" + suffix;
}

} // namespace ranking
