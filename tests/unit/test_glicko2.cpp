#include "glicko2.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace ranking;

namespace {

// doctest::Approx's epsilon is relative to the magnitude; this makes it an absolute tolerance.
doctest::Approx within(double expected, double tolerance) {
    return doctest::Approx(expected).epsilon(tolerance / (1.0 + std::abs(expected)));
}

void check_glicko(const Glicko& actual, const Glicko& expected) {
    CHECK(actual.rating == within(expected.rating, 1e-4));
    CHECK(actual.rd == within(expected.rd, 1e-4));
    CHECK(actual.volatility == within(expected.volatility, 1e-7));
}

// The RD the player would have after a period without games (step 6 alone).
double rd_grown_by_volatility(const Glicko& player) {
    return std::sqrt(player.rd * player.rd +
                     std::pow(player.volatility * 173.7178, 2)); // sigma on the Glicko scale
}

} // namespace

TEST_CASE("glicko2: Glickman's worked example") {
    const Glicko player{1500, 200, 0.06};
    const std::vector<GlickoGame> games{
        {{1400, 30, 0.06}, 1}, {{1550, 100, 0.06}, 0}, {{1700, 300, 0.06}, 0}};
    const Glicko after = glicko2_update(player, games, 0.5);
    // The paper prints r' = 1464.06, RD' = 151.52, sigma' = 0.05999.
    CHECK(after.rating == within(1464.06, 0.01));
    CHECK(after.rd == within(151.52, 0.01));
    CHECK(after.volatility == within(0.05999, 1e-5));
}

// Expected values below were computed independently with a short Python script that uses only
// the math module and follows the paper's steps 1-8 (Illinois algorithm, epsilon 1e-6), printed
// to 6 decimals (8 for the volatility).

TEST_CASE("glicko2: two new players, white wins") {
    const RatedPair after = rate_game(new_player_glicko, new_player_glicko, 1.0);
    check_glicko(after.white, {1662.310894, 290.318964, 0.05999968});
    check_glicko(after.black, {1337.689106, 290.318964, 0.05999968});
}

TEST_CASE("glicko2: a draw between equals leaves them equal, both more certain") {
    const Glicko equal{1600, 120, 0.06};
    const RatedPair after = rate_game(equal, equal, 0.5);
    check_glicko(after.white, {1600.0, 114.587804, 0.05999733});
    CHECK(after.white == after.black);
    CHECK(after.white.rd < equal.rd);
}

TEST_CASE("glicko2: an upset moves both players by the computed amounts") {
    const RatedPair after = rate_game({1400, 80, 0.06}, {1800, 80, 0.06}, 1.0);
    check_glicko(after.white, {1432.223100, 79.970269, 0.06000890});
    check_glicko(after.black, {1767.776900, 79.970269, 0.06000890});
}

TEST_CASE("glicko2: with equal inputs white's gain is black's loss") {
    const Glicko equal{1550, 90, 0.05};
    for (const double score : {0.0, 0.5, 1.0}) {
        const RatedPair after = rate_game(equal, equal, score);
        CHECK(after.white.rating - equal.rating == within(equal.rating - after.black.rating, 1e-9));
        CHECK(after.white.rd == within(after.black.rd, 1e-9));
    }
}

TEST_CASE("glicko2: no games only grows the RD") {
    const Glicko player{1700, 100, 0.06};
    const Glicko after = glicko2_update(player, {});
    CHECK(after.rating == player.rating);
    CHECK(after.volatility == player.volatility);
    CHECK(after.rd == within(100.541734, 1e-4)); // sqrt(phi^2 + sigma^2) * 173.7178, by hand
    CHECK(after.rd == within(rd_grown_by_volatility(player), 1e-9));
}

TEST_CASE("glicko2: a win never lowers, a loss never raises, and a game shrinks the RD") {
    const std::vector<Glicko> players{
        new_player_glicko, {1500, 30, 0.06}, {2200, 60, 0.05}, {900, 250, 0.09}, {1800, 350, 0.2}};
    for (const Glicko& white : players) {
        for (const Glicko& black : players) {
            CAPTURE(white.rating);
            CAPTURE(black.rating);
            const RatedPair win = rate_game(white, black, 1.0);
            const RatedPair loss = rate_game(white, black, 0.0);
            CHECK(win.white.rating >= white.rating);
            CHECK(win.black.rating <= black.rating);
            CHECK(loss.white.rating <= white.rating);
            CHECK(loss.black.rating >= black.rating);
            for (const Glicko* after : {&win.white, &loss.white})
                CHECK(after->rd < rd_grown_by_volatility(white));
            for (const Glicko* after : {&win.black, &loss.black})
                CHECK(after->rd < rd_grown_by_volatility(black));
        }
    }
}

TEST_CASE("glicko2: one game's steps are the update's, with the paper's g and E") {
    const Glicko player{1500, 200, 0.06};
    // Glickman's example prints g(phi_j) and E for each of the three opponents.
    const struct {
        Glicko opponent;
        double score, g, expected;
    } cases[] = {{{1400, 30, 0.06}, 1, 0.9955, 0.639},
                 {{1550, 100, 0.06}, 0, 0.9531, 0.432},
                 {{1700, 300, 0.06}, 0, 0.7242, 0.303}};
    for (const auto& c : cases) {
        const auto steps = glicko2_game_steps(player, c.opponent, c.score, 0.5);
        CHECK(steps.g == within(c.g, 1e-4));
        CHECK(steps.expected == within(c.expected, 1e-3));
        CHECK(steps.mu == within(0, 1e-12));
        CHECK(steps.phi == within(200 / 173.7178, 1e-9));
        const std::vector<GlickoGame> one{{c.opponent, c.score}};
        CHECK(steps.after == glicko2_update(player, one, 0.5)); // the very same arithmetic
        CHECK(steps.phi_star > steps.phi);                      // step 6 grows phi first
        CHECK(steps.phi_new < steps.phi_star);                  // the game then shrinks it
    }
}
