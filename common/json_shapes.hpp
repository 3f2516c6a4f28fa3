#pragma once
// The JSON bodies of the API, in one place, for the server to write and the client to read.
#include "game.hpp"
#include "mode.hpp"
#include "ranking.hpp"
#include "token.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

// GET /rank/{player}: the standing, signed.
struct RankAnswer {
    Standing standing;
    std::int64_t issued_at_ms = 0; // Unix time, milliseconds
    std::uint32_t iterations = 0;
    std::string token;
    double hash_ms = 0; // wall time the hash took, wherever it ran
    WorkPlacement mode = WorkPlacement::offload;
};

// The fields the token signs, as carried by an answer.
TokenFields token_fields(const Standing& standing, std::int64_t issued_at_ms,
                         std::uint32_t iterations);

nlohmann::json standing_json(const Standing& standing);    // GET /players/{player}
nlohmann::json rank_answer_json(const RankAnswer& answer); // GET /rank/{player}
// GET /leaderboard: a page of `players` ranked, who they are in `population` ("club", or the
// eligibility rule).
nlohmann::json leaderboard_json(const std::vector<LeaderboardEntry>& entries, std::size_t limit,
                                std::size_t offset, int players, const std::string& population);
nlohmann::json health_json(WorkPlacement mode);                   // GET /healthz, both planes

// The bodies on the hot path, written into `out` (cleared first) without a document; they
// parse to the same values as standing_json(), health_json() and game_json(), keys in the same
// order.
void write_standing_json(const Standing& standing, std::string& out);
void write_health_json(WorkPlacement mode, std::string& out);
void write_game_json(const StoredGame& game, std::string& out);

nlohmann::json glicko_json(const Glicko& values); // {"rating", "rd", "volatility"}
// The body of POST /games, as clients send it: what parse_game_submission() reads back.
nlohmann::json game_submission_json(const GameSubmission& game);
// POST /games (201, or 200 for a retry) and GET /games/{id}.
nlohmann::json game_json(const StoredGame& game);
// GET /games and GET /players/{name}/games: {"games": [...], "next": cursor or null}, written
// straight into `out` (a page is up to 10,000 games: a document of them would be several times
// the size of the text while it is built).
void write_games_page_json(const std::vector<StoredGame>& games,
                           const std::optional<std::int64_t>& next, std::string& out);
// The most write_games_page_json() writes for these games (every number at its widest; ids and
// names need no escaping, as their rules allow none of the characters JSON escapes), and for a
// page of `limit` games of the longest ids and names: a page's memory, known before it exists.
std::size_t games_page_json_bound(const std::vector<StoredGame>& games);
std::size_t games_page_json_bound(std::size_t limit);

// Read answers back; throw std::exception when a field is missing or mistyped.
RankAnswer parse_rank_answer(const nlohmann::json& body);
StoredGame parse_game(const nlohmann::json& body);

} // namespace ranking
