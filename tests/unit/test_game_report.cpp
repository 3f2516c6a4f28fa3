#include "game_report.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ranking;

namespace {
const StoredGame game{"cli-1795554891778-3fa9c2",
                      42,
                      GameResult::white_wins,
                      1'795'554'891'778,
                      {"alice", {1613, 60, 0.06}, {1620.44, 59.81, 0.06}, 12, 8},
                      {"bob", {1477, 90, 0.06}, {1470.06, 87.2, 0.06}, 700, 1}};
bool has(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}
} // namespace

TEST_CASE("a recorded game shows each player's change, rank and the seq") {
    const auto text = render_game(game, true);
    CHECK(has(text, "game cli-1795554891778-3fa9c2 (seq 42): alice vs bob, 1-0; new (201"));
    CHECK(has(text, "alice         1613.0 ->  1620.4  (RD 60.0 -> 59.8)  rank 12  (8 games)"));
    CHECK(has(text, "bob           1477.0 ->  1470.1  (RD 90.0 -> 87.2)  rank 700  (1 game)"));
    CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}

TEST_CASE("a retry says so") {
    const auto text = render_game(game, false);
    CHECK(has(text, "already recorded (200): a retry"));
    CHECK_FALSE(has(text, "new (201"));
}
