#pragma once
// /leaderboard?eligible=true: only players whose rating is settled (RD, grown to now, at most a
// bound) and who played lately, ranked among themselves, as lichess lists its leaderboards.
#include "ranking.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ranking {

struct LeaderboardEligibility {
    double max_rd = 75;
    int active_days = 30;
};

// "RD <= 75 and a rated game within 30 days": what a page's ranks count, in words.
std::string describe(const LeaderboardEligibility& rule);

// The eligible players best first, each with their rank among the eligible (ties share it).
// O(club) to build, on the loop: kept for a second once the club moves (Ranking::version), so
// that a stream of games costs one build a second at most, and for a minute when it does not
// (time alone makes players ineligible).
class EligibleBoard {
public:
    const std::vector<LeaderboardEntry>& entries(const Ranking& club,
                                                 const LeaderboardEligibility& rule,
                                                 std::int64_t now_ms, double periods_per_day);

private:
    std::vector<LeaderboardEntry> entries_;
    std::uint64_t version_ = 0;
    std::int64_t built_at_ms_ = 0;
    bool built_ = false;
};

} // namespace ranking
