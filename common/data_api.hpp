#pragma once
// The data plane's requests, parsed and validated from method and target without any I/O.
#include "game.hpp"
#include "reply.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ranking {

struct RankRequest { // GET /rank/{player}: standing plus the costly token
    std::string player;
};
struct PlayerRequest { // GET /players/{player}: the cheap lookup
    std::string player;
};
struct LeaderboardRequest { // GET /leaderboard?limit=N&offset=M&eligible=true
    std::size_t limit = 10;
    std::size_t offset = 0;
    bool eligible = false; // only players settled and active enough to be ranked
};
struct HealthRequest {};   // GET /healthz: the process answers (liveness)
struct ReadyRequest {};    // GET /readyz: it can serve (the store reachable, not stopping)
struct PostGameRequest {}; // POST /games: the body is read by parse_game_submission()
struct GameRequest {       // GET /games/{id}
    std::string id;
};
struct GameExplainRequest { // GET /games/{id}/explain: why it moved each player as it did
    std::string id;
};
struct GamesExportRequest { // GET /games?after=SEQ&limit=N: every game in commit order
    std::int64_t after = 0;
    std::size_t limit = 100;
};
struct PlayerGamesRequest { // GET /players/{player}/games?limit=N&before=SEQ: newest first
    std::string player;
    std::size_t limit = 20;
    std::optional<std::int64_t> before;
};

struct PlayerHistoryRequest { // GET /players/{player}/history?limit=N&before=SEQ&by=game|day
    std::string player;
    std::size_t limit = 100;
    std::optional<std::int64_t> before;
    bool by_day = false; // the last value of each day (UTC) in the page, not one per game
};
struct FederationRequest { // GET /players/{player}/federation: the federation's rating
    std::string player;
};
struct HeadToHeadRequest { // GET /players/{player}/vs/{opponent}: their games against each other
    std::string player;
    std::string opponent;
    std::size_t limit = 100; // ?limit=N&before=SEQ: the page of ids, newest first
    std::optional<std::int64_t> before;
};
struct ClubPageRequest { // GET /club, /club/{file}: the players' page and its files
    std::string file;    // "index.html" for /club
};

inline constexpr std::size_t max_leaderboard_limit = 100;
inline constexpr std::size_t max_leaderboard_offset = 1'000'000;
inline constexpr std::size_t max_export_page = 10'000;
inline constexpr std::size_t max_player_games_page = 1'000;

// A typed request, or the error Reply (400, 404, 405) to send instead.
using DataRequest =
    std::variant<RankRequest, PlayerRequest, LeaderboardRequest, HealthRequest, ReadyRequest,
                 PostGameRequest, GameRequest, GameExplainRequest, GamesExportRequest,
                 PlayerGamesRequest, PlayerHistoryRequest, FederationRequest, HeadToHeadRequest,
                 ClubPageRequest, Reply>;

DataRequest parse_data_request(std::string_view method, std::string_view target);

// The body of POST /games, validated, or the 400 to send (naming the field). Player names come
// back canonical; whether they are club members is the store's question (404). A played_at
// more than a day past `now_ms` is refused: it would make its players' RD shrink back in time.
std::variant<GameSubmission, Reply> parse_game_submission(std::string_view body,
                                                          std::int64_t now_ms);

// Which endpoint a request is for, as a label of logs and metrics.
enum class Route {
    rank,
    players,
    leaderboard,
    healthz,
    readyz,
    post_game,
    game,
    game_explain,
    games_export,
    player_games,
    player_history,
    federation,
    head_to_head,
    club_page,
    other
};
inline constexpr std::size_t route_count = 15;

Route route_of(const DataRequest& request) noexcept;
std::string_view route_name(Route route) noexcept; // "/rank", ..., "other"

} // namespace ranking
