#pragma once
// Time between games counts: a player's RD grows with the days since their last rated game, as
// if they had sat out that many rating periods (Glickman's step 6 alone, t times; lichess
// counts 0.21436 periods a day: an RD of 60 becomes 110 after a year away).
#include "glicko2.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ranking {

inline constexpr double default_rating_periods_per_day = 0.21436;
inline constexpr std::int64_t ms_per_day = 86'400'000;

// How time counts for one club. Kept in its database, so that every game is explained and
// replayed with what was applied when it was rated.
struct RatingTime {
    double periods_per_day = default_rating_periods_per_day;
    // Games before this seq were rated before time counted (a database migrated from a server
    // that rated each game as one period): their t is 0.
    std::int64_t timed_from_seq = 1;

    // t for a game played at `played_at_ms` (Unix ms) with commit seq `seq`, for a player whose
    // latest rated game was played at `rated_at_ms`: 0 for their first game, for a game played
    // before that one, and before timed_from_seq.
    double periods(std::optional<std::int64_t> rated_at_ms, std::int64_t played_at_ms,
                   std::int64_t seq) const;
};

// Why a club rated with `stored` must not be opened asking for `asked` periods a day (none: no
// objection). Its games were rated at its rate; another would make replays disagree with them.
std::optional<std::string> refuse_other_rate(const RatingTime& stored, std::optional<double> asked);

// `values` after `periods` rating periods without games: phi becomes
// min(sqrt(phi^2 + t * sigma^2), a new player's phi); rating and volatility stay.
Glicko inflate_rd(const Glicko& values, double periods);

// A player's values as they stand at `now_ms`, for reading: RD grown since `rated_at_ms`, as the
// player's next game would see it (none yet: as stored). Never written back.
Glicko glicko_at(const Glicko& values, std::optional<std::int64_t> rated_at_ms, std::int64_t now_ms,
                 double periods_per_day);

// A player's rated_at once a game played at `played_at_ms` is rated: the later of the two.
std::int64_t rated_at_after(std::optional<std::int64_t> rated_at_ms, std::int64_t played_at_ms);

// One game as its own rating period for both players, each first inflated by their own t
// (rate_game() on the inflated values): a game counts as t + 1 periods in all.
RatedPair rate_game_in_time(const Glicko& white, double white_periods, const Glicko& black,
                            double black_periods, double white_score);

} // namespace ranking
