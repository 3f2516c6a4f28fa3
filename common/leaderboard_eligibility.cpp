#include "leaderboard_eligibility.hpp"

#include "rating_time.hpp"

#include <sstream>

namespace ranking {

std::string describe(const LeaderboardEligibility& rule) {
    std::ostringstream text;
    text << "RD <= " << rule.max_rd << " and a rated game within " << rule.active_days << " days";
    return text.str();
}

const std::vector<LeaderboardEntry>& EligibleBoard::entries(const Ranking& club,
                                                            const LeaderboardEligibility& rule,
                                                            std::int64_t now_ms,
                                                            double periods_per_day) {
    const std::int64_t age = now_ms - built_at_ms_;
    if (built_ && age < (version_ == club.version() ? 60'000 : 1'000)) return entries_;
    entries_.clear();
    const std::int64_t active_since = now_ms - std::int64_t{rule.active_days} * ms_per_day;
    int previous_rating = -1, rank = 0;
    club.for_each_in_order([&](const std::string& name, const Glicko& values,
                               std::optional<std::int64_t> rated_at_ms, int rating) {
        if (!rated_at_ms || *rated_at_ms < active_since) return;
        if (glicko_at(values, rated_at_ms, now_ms, periods_per_day).rd > rule.max_rd) return;
        const int position = static_cast<int>(entries_.size()) + 1;
        if (rating != previous_rating) rank = position;
        previous_rating = rating;
        entries_.push_back({rank, name, rating});
    });
    built_ = true;
    version_ = club.version();
    built_at_ms_ = now_ms;
    return entries_;
}

} // namespace ranking
