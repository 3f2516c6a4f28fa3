#pragma once
// The proof from the log: every stored game replayed in seq order from the starting club, with
// the club's own rating time, and compared with what the store says it applied (each side's
// values before, its t, its values, games and rank after), then each player's final values.
// One game at a time: memory is the club's, whatever the number of games.
#include "game.hpp"
#include "ranking.hpp"
#include "rating_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

class ClubReplay {
public:
    // `start`: each player as they stood before their first game.
    ClubReplay(const std::vector<Player>& start, RatingTime time);

    // The next stored game (seqs 1, 2, ...): replays it and names the first difference, if any
    // ("game 'g7' (seq 7): black's rating after is 1493.2 in the store, 1488.0 replayed").
    std::optional<std::string> check(const StoredGame& game);
    // Once the last game is checked: each player's values as the store has them now.
    std::optional<std::string> check_final(const std::vector<Player>& stored) const;

    std::int64_t games_checked() const noexcept { return last_seq_; }

private:
    Ranking club_; // each player's values, games and rated_at, and the ranks
    RatingTime time_;
    std::int64_t last_seq_ = 0;
};

} // namespace ranking
