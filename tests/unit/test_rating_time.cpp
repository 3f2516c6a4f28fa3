// Time between games: the RD inflation, t, and who is eligible for the leaderboard.
#include "data_api.hpp"
#include "leaderboard_eligibility.hpp"
#include "rating_time.hpp"

#include <doctest/doctest.h>

using namespace ranking;

namespace {
constexpr std::int64_t year_ms = 365 * ms_per_day;
const RatingTime lichess{default_rating_periods_per_day, 1};
} // namespace

TEST_CASE("the RD grows with the time away: 0 days, a year, the cap") {
    const Glicko settled{1800, 60, 0.06};
    CHECK(inflate_rd(settled, lichess.periods(0, 0, 5)) == settled);
    // A year away: 365 x 0.21436 periods; lichess's "RD 60 becomes 110 in a year".
    const auto after_a_year = inflate_rd(settled, lichess.periods(0, year_ms, 5));
    CHECK(after_a_year.rd == doctest::Approx(110.0).epsilon(0.0005));
    CHECK(after_a_year.rating == 1800);
    CHECK(after_a_year.volatility == 0.06);
    CHECK(inflate_rd(settled, lichess.periods(0, 100 * year_ms, 5)).rd == 350.0); // capped
}

TEST_CASE("t is 0 for a first game, a game played before the latest, and before time counted") {
    CHECK(lichess.periods(std::nullopt, year_ms, 5) == 0);         // no game yet
    CHECK(lichess.periods(year_ms, year_ms - ms_per_day, 5) == 0); // sent late
    CHECK(lichess.periods(0, 10 * ms_per_day, 5) == doctest::Approx(2.1436));
    const RatingTime migrated{default_rating_periods_per_day, 100};
    CHECK(migrated.periods(0, year_ms, 99) == 0);
    CHECK(migrated.periods(0, year_ms, 100) > 0);
    CHECK(rated_at_after(5000, 3000) == 5000);
    CHECK(rated_at_after(std::nullopt, 3000) == 3000);
    // Read at a time: a player without games shows their values as they are.
    CHECK(glicko_at({1500, 350, 0.06}, std::nullopt, year_ms, 0.21436).rd == 350);
}

TEST_CASE("a returning player's first game moves them more than the same game without the gap") {
    const Glicko back{1800, 60, 0.06}, opponent{1800, 60, 0.06};
    const auto fresh = rate_game_in_time(back, 0, opponent, 0, 1.0);
    const auto returning =
        rate_game_in_time(back, lichess.periods(0, year_ms, 5), opponent, 0, 1.0);
    CHECK(returning.white.rating - 1800 > 2 * (fresh.white.rating - 1800));
}

TEST_CASE("a played_at more than a day ahead is refused") {
    const std::int64_t now = 1'800'000'000'000;
    const auto body = [](std::int64_t at) {
        return R"({"id":"g1","white":"alice","black":"bob","result":"1-0","played_at":)" +
               std::to_string(at) + "}";
    };
    CHECK(
        std::holds_alternative<GameSubmission>(parse_game_submission(body(now + ms_per_day), now)));
    const auto refused = parse_game_submission(body(now + ms_per_day + 1), now);
    REQUIRE(std::holds_alternative<Reply>(refused));
    CHECK(std::get<Reply>(refused).status == 400);
}

TEST_CASE("eligible: RD grown to now at most the bound, a game within the days, ranked apart") {
    const std::int64_t now = 400 * ms_per_day;
    Ranking club({{"ann", 2000, 50, 0.06, 10, now - ms_per_day},
                  {"bo", 1900, 50, 0.06, 10, now - 40 * ms_per_day}, // not lately
                  {"cy", 1800, 74, 0.06, 10, now - 20 * ms_per_day}, // grows past 75
                  {"di", 1700, 74, 0.06, 10, now},                   // exactly at the bound
                  {"ed", 1600, 50, 0.06, 0, std::nullopt}});         // never played
    EligibleBoard board;
    const auto& eligible = board.entries(club, {75, 30}, now, default_rating_periods_per_day);
    REQUIRE(eligible.size() == 2);
    CHECK(eligible[0].player == "ann");
    CHECK(eligible[0].rank == 1);
    CHECK(eligible[1].player == "di");
    CHECK(eligible[1].rank == 2);
    CHECK(describe(LeaderboardEligibility{75, 30}) == "RD <= 75 and a rated game within 30 days");
}
