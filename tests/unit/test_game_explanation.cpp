// GET /games/{id}/explain's body: the values the store applied, the steps, the sentence.
#include "game_explanation.hpp"
#include "rating_time.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace ranking;

namespace {

StoredGame rated(const Glicko& white, const Glicko& black, GameResult result) {
    const auto after = rate_game(white, black, white_score(result));
    StoredGame game;
    game.id = "g1";
    game.seq = 7;
    game.result = result;
    game.played_at_ms = 1'700'000'000'000;
    game.white = {"alice", white, after.white, 1, 1};
    game.black = {"bob", black, after.black, 2, 1};
    return game;
}

} // namespace

TEST_CASE("an explanation reproduces the stored values after the game from the ones before") {
    const auto game = rated({1600, 80, 0.06}, {1500, 60, 0.06}, GameResult::white_wins);
    const auto explained = explain_game(game);
    CHECK(explained["id"] == "g1");
    CHECK(explained["result"] == "1-0");
    for (const auto* colour : {"white", "black"}) {
        CAPTURE(colour);
        const auto& side = explained[colour];
        CHECK(side["matches_stored"] == true);
        CHECK(side["recomputed_after"] == side["after"]);
        CHECK(side["rating_periods"] == 1);
    }
    const auto& white = explained["white"];
    CHECK(white["score"] == 1.0);
    CHECK(white["after"]["rating"] == game.white.after.rating);
    CHECK(white["opponent"]["player"] == "bob");
    const double e = white["steps"]["E"];
    CHECK(e > 0.5); // the stronger player was expected to win
    // Not 1 - E: each side's E discounts by the other's RD (g), and the two RDs differ.
    CHECK(explained["black"]["steps"]["E"].get<double>() < 0.5);
    CHECK(explained["black"]["steps"]["E"].get<double>() != doctest::Approx(1 - e));
    const std::string sentence = white["sentence"];
    CAPTURE(sentence);
    CHECK(sentence.starts_with("expected 0.6"));
    CHECK(sentence.find("a steady opponent (RD 60") != std::string::npos);
    CHECK(sentence.find("the win scored") != std::string::npos);
    CHECK(sentence.find("above that") != std::string::npos);
    CHECK(sentence.find(" +") != std::string::npos);
    CHECK(explained["black"]["sentence"].get<std::string>().find("the loss") != std::string::npos);
}

TEST_CASE("an explanation says when the stored values are not what the game gives") {
    auto game = rated({1500, 350, 0.06}, {1500, 350, 0.06}, GameResult::draw);
    game.white.after.rating += 5; // edited by hand
    const auto explained = explain_game(game);
    CHECK(explained["white"]["matches_stored"] == false);
    CHECK(explained["black"]["matches_stored"] == true);
    CHECK(explained["white"]["sentence"].get<std::string>().find("an uncertain opponent") !=
          std::string::npos);
}

TEST_CASE("after time away, the explanation uses the RD the game used and reproduces the after") {
    // White back after 100 days (21.436 periods at lichess's rate), black after 1 day.
    const double white_t = 21.436, black_t = 0.21436;
    const Glicko white{1600, 60, 0.06}, black{1550, 70, 0.06};
    const auto after = rate_game_in_time(white, white_t, black, black_t, 1.0);
    StoredGame game;
    game.id = "g2";
    game.seq = 9;
    game.result = GameResult::white_wins;
    game.white = {"alice", white, after.white, 1, 5, white_t};
    game.black = {"bob", black, after.black, 2, 7, black_t};
    const auto explained = explain_game(game);
    const auto& side = explained["white"];
    CHECK(side["matches_stored"] == true);
    CHECK(side["periods_away"] == white_t);
    CHECK(side["rating_periods"] == doctest::Approx(white_t + 1));
    CHECK(side["rd_grown"] == inflate_rd(white, white_t).rd);
    CHECK(side["rd_grown"].get<double>() > 60);
    CHECK(side["before"]["rd"] == 60);
    CHECK(side["opponent"]["rd"] == inflate_rd(black, black_t).rd);
    CHECK(side["steps"]["phi"] == doctest::Approx(inflate_rd(white, white_t).rd / 173.7178));
    const std::string sentence = side["sentence"];
    CAPTURE(sentence);
    CHECK(sentence.starts_with("RD 60.0 grew to "));
    CHECK(explained["black"]["matches_stored"] == true);
}
