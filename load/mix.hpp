#pragma once
// What the load asks for: the weighted mix of endpoints and the request targets it produces.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ranking::load {

// The data endpoints, then the canary's own series: index = position in every per-series array.
// games is POST /games: each request records a new game; exports is GET /games, the export's
// first page of up to 10,000 games (real database work, and a large body); federation is GET
// /players/{name}/federation, the player's rating the server asks a federation's service for.
enum class Series : std::size_t {
    rank,
    players,
    leaderboard,
    healthz,
    games,
    exports,
    federation,
    canary
};
inline constexpr std::size_t endpoint_count = 7;
inline constexpr std::size_t series_count = 8;

std::string_view series_name(Series series) noexcept;
inline std::size_t index(Series series) noexcept {
    return static_cast<std::size_t>(series);
}

// Weights over rank, players, leaderboard, healthz, games, export, federation.
struct Mix {
    std::array<unsigned, endpoint_count> weights{0, 1, 0, 0, 0, 0, 0};
};

// "rank=1,players=19" (missing endpoints weigh 0); nothing when malformed or all weights are 0.
std::optional<Mix> parse_mix(std::string_view text);
std::string to_string(const Mix& mix);
// Whether the mix asks for anything drawn from the club (rank, players, games and federation need
// its names, leaderboard its size): a healthz or export mix can run against any HTTP server,
// nginx too.
bool needs_club(const Mix& mix) noexcept;

struct PlannedRequest {
    Series series = Series::players;
    std::string target;
    std::string method = "GET";
    std::string body{}; // JSON when present (a game for POST /games)
};

// Draws endpoints by weight and players uniformly from the club's names, from its own seed.
// Games pair two distinct players with a random result; their ids are `game_id_prefix` and a
// counter, so the prefix must be unique to this picker across every run against one database.
class RequestPicker {
public:
    // Throws std::invalid_argument when the mix has games and the club fewer than two names.
    RequestPicker(Mix mix, std::vector<std::string> players, std::size_t club_size,
                  std::uint64_t seed, std::string game_id_prefix);
    PlannedRequest next();

private:
    PlannedRequest next_game();

    std::vector<std::string> players_;
    std::size_t club_size_;
    std::mt19937_64 random_;
    std::discrete_distribution<std::size_t> endpoints_;
    std::string game_id_prefix_;
    std::uint64_t games_ = 0;
};

// The canary always asks the same thing.
inline PlannedRequest canary_request() {
    return {Series::canary, "/healthz"};
}

} // namespace ranking::load
