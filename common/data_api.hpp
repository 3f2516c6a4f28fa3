#pragma once
// The data plane's requests, parsed and validated from method and target without any I/O.
#include "reply.hpp"

#include <cstddef>
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
struct LeaderboardRequest { // GET /leaderboard?limit=N&offset=M
    std::size_t limit = 10;
    std::size_t offset = 0;
};
struct HealthRequest {}; // GET /healthz

inline constexpr std::size_t max_leaderboard_limit = 100;
inline constexpr std::size_t max_leaderboard_offset = 1'000'000;

// A typed request, or the error Reply (400, 404, 405) to send instead.
using DataRequest =
    std::variant<RankRequest, PlayerRequest, LeaderboardRequest, HealthRequest, Reply>;

DataRequest parse_data_request(std::string_view method, std::string_view target);

// Which endpoint a request is for, as a label of logs and metrics.
enum class Route { rank, players, leaderboard, healthz, other };
inline constexpr std::size_t route_count = 5;

Route route_of(const DataRequest& request) noexcept;
std::string_view route_name(Route route) noexcept; // "/rank", ..., "other"

} // namespace ranking
