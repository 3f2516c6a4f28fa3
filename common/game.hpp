#pragma once
// A game between two club members: what a client submits, and what the store keeps once it
// is durable (both players' values before and after, the rank each reached, the commit seq).
#include "glicko2.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

enum class GameResult { white_wins, black_wins, draw };

std::string_view to_string(GameResult result) noexcept; // "1-0", "0-1", "1/2-1/2"
std::optional<GameResult> parse_game_result(std::string_view text) noexcept;
double white_score(GameResult result) noexcept; // 1, 0, 0.5

inline constexpr std::size_t max_game_id_length = 64;
inline constexpr std::string_view game_id_rule =
    "1 to 64 characters: ASCII letters, digits, '.', '_', ':' or '-'";
bool valid_game_id(std::string_view id) noexcept;

// POST /games, validated: names canonical, white != black.
struct GameSubmission {
    std::string id;
    std::string white;
    std::string black;
    GameResult result = GameResult::draw;
    std::optional<std::int64_t> played_at_ms; // Unix ms; the server's clock when absent
    bool operator==(const GameSubmission&) const = default;
};

struct GameSide {
    std::string player;
    Glicko before; // as stored before the game, RD not yet grown by the time away
    Glicko after;
    int rank = 0;       // the player's rank right after this game was committed
    int games = 0;      // the player's game count after this game
    double periods = 0; // t: the rating periods `before`'s RD was grown by (rating_time.hpp)
    bool operator==(const GameSide&) const = default;
};

struct StoredGame {
    std::string id;
    std::int64_t seq = 0; // position in the commit order: 1, 2, 3, ...
    GameResult result = GameResult::draw;
    std::int64_t played_at_ms = 0;
    GameSide white;
    GameSide black;
    bool operator==(const StoredGame&) const = default;
};

// A retry of `stored`: same players and result, and the same played_at when it gives one.
bool is_retry_of(const GameSubmission& submission, const StoredGame& stored) noexcept;

} // namespace ranking
