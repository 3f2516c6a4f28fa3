// GET /players/{name}/history: its query and its body from a page of games.
#include "data_api.hpp"
#include "rating_history.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace ranking;

namespace {

constexpr std::int64_t day = 86'400'000;

// A game of alice's, newest first in a page: her values after it are rating `after`.
StoredGame game_of_alice(std::int64_t seq, std::int64_t played_at, double after, bool white) {
    StoredGame game;
    game.id = "g" + std::to_string(seq);
    game.seq = seq;
    game.played_at_ms = played_at;
    GameSide alice{"alice", {1500, 350, 0.06}, {after, 200, 0.06}, 1, 1};
    GameSide bob{"bob", {1500, 350, 0.06}, {1400, 200, 0.06}, 2, 1};
    game.white = white ? alice : bob;
    game.black = white ? bob : alice;
    return game;
}

} // namespace

TEST_CASE("a history is asked for by page, one point per game or per day") {
    const auto parsed = parse_data_request("GET", "/players/Alice/history?limit=5&before=9&by=day");
    REQUIRE(std::holds_alternative<PlayerHistoryRequest>(parsed));
    const auto& history = std::get<PlayerHistoryRequest>(parsed);
    CHECK(history.player == "alice");
    CHECK(history.limit == 5);
    CHECK(history.before == 9);
    CHECK(history.by_day);
    CHECK(route_name(route_of(parsed)) == "/players/{name}/history");
    CHECK_FALSE(
        std::get<PlayerHistoryRequest>(parse_data_request("GET", "/players/a/history")).by_day);
    CHECK(std::get<Reply>(parse_data_request("GET", "/players/a/history?by=week")).status == 400);
    CHECK(std::get<Reply>(parse_data_request("GET", "/players/a/history?limit=0")).status == 400);
    CHECK(std::get<Reply>(parse_data_request("GET", "/players/a/history?x=1")).status == 400);
}

TEST_CASE("a history holds the player's values after each game, as white or black") {
    const std::vector games{game_of_alice(3, 2 * day + 5, 1530, false),
                            game_of_alice(2, 2 * day + 1, 1520, true),
                            game_of_alice(1, 1 * day, 1510, true)}; // newest first
    const auto every = rating_history_json("alice", games, 3, false);
    REQUIRE(every["points"].size() == 3);
    CHECK(every["points"][0]["rating"] == 1530.0); // as black
    CHECK(every["points"][0]["game"] == "g3");
    CHECK(every["points"][2]["seq"] == 1);
    CHECK(every["next"] == 1); // a full page: there may be more before seq 1
    const auto daily = rating_history_json("alice", games, 10, true);
    REQUIRE(daily["points"].size() == 2); // day 2's last value, then day 1's
    CHECK(daily["points"][0]["rating"] == 1530.0);
    CHECK(daily["points"][1]["rating"] == 1510.0);
    CHECK(daily["by"] == "day");
    CHECK(daily["next"].is_null()); // fewer than the limit: the last page
}
