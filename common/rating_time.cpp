#include "rating_time.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ranking {

double RatingTime::periods(std::optional<std::int64_t> rated_at_ms, std::int64_t played_at_ms,
                           std::int64_t seq) const {
    if (!rated_at_ms || seq < timed_from_seq || played_at_ms <= *rated_at_ms) return 0.0;
    return static_cast<double>(played_at_ms - *rated_at_ms) / ms_per_day * periods_per_day;
}

std::optional<std::string> refuse_other_rate(const RatingTime& stored,
                                             std::optional<double> asked) {
    if (!asked || *asked == stored.periods_per_day) return std::nullopt;
    std::ostringstream why;
    why << "the club is rated with " << stored.periods_per_day << " rating periods a day, not "
        << *asked << " (its games were rated so: leave --rating-periods-per-day out, or start a "
        << "new database)";
    return why.str();
}

Glicko inflate_rd(const Glicko& values, double periods) {
    if (periods <= 0) return values;
    constexpr double scale = 173.7178; // to the Glicko-2 scale, where sigma is
    const double phi = values.rd / scale;
    const double grown = std::sqrt(phi * phi + periods * values.volatility * values.volatility);
    return {values.rating, std::min(grown * scale, new_player_glicko.rd), values.volatility};
}

Glicko glicko_at(const Glicko& values, std::optional<std::int64_t> rated_at_ms, std::int64_t now_ms,
                 double periods_per_day) {
    const RatingTime time{periods_per_day, 0};
    return inflate_rd(values, time.periods(rated_at_ms, now_ms, 0));
}

std::int64_t rated_at_after(std::optional<std::int64_t> rated_at_ms, std::int64_t played_at_ms) {
    return rated_at_ms ? std::max(*rated_at_ms, played_at_ms) : played_at_ms;
}

RatedPair rate_game_in_time(const Glicko& white, double white_periods, const Glicko& black,
                            double black_periods, double white_score) {
    return rate_game(inflate_rd(white, white_periods), inflate_rd(black, black_periods),
                     white_score);
}

} // namespace ranking
