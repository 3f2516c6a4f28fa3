#include "ranking.hpp"

#include <doctest/doctest.h>

using namespace ranking;

namespace {
Ranking small_club() {
    return Ranking({{"ann", 2000}, {"ben", 1800}, {"cat", 1800}, {"dan", 1500}, {"eve", 1400}});
}
} // namespace

TEST_CASE("competition ranking: ties share a rank and the next rank is skipped (1224)") {
    const auto club = small_club();
    CHECK(club.standing("ann")->rank == 1);
    CHECK(club.standing("ben")->rank == 2);
    CHECK(club.standing("cat")->rank == 2);
    CHECK(club.standing("dan")->rank == 4);
    CHECK(club.standing("eve")->rank == 5);
    CHECK(club.standing("eve")->players == 5);
    CHECK_FALSE(club.standing("zed").has_value());
}

TEST_CASE("percentile is the share rated strictly lower") {
    const auto club = small_club();
    CHECK(club.standing("ann")->percentile == doctest::Approx(80.0));
    CHECK(club.standing("ben")->percentile == doctest::Approx(40.0));
    CHECK(club.standing("eve")->percentile == doctest::Approx(0.0));
}

TEST_CASE("pages: best first, ties by name, offset and limit") {
    const auto club = small_club();
    const auto top = club.page(3, 0);
    REQUIRE(top.size() == 3);
    CHECK(top[0].player == "ann");
    CHECK(top[1].player == "ben");
    CHECK(top[1].rank == 2);
    CHECK(top[2].player == "cat");
    CHECK(top[2].rank == 2);
    const auto rest = club.page(10, 3);
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].player == "dan");
    CHECK(rest[0].rank == 4);
    CHECK(club.page(10, 5).empty());
    CHECK(club.page(10, 1000).empty());
}

TEST_CASE("a rating change moves rank, percentile and page order") {
    auto club = small_club();
    REQUIRE(club.apply("eve", {2100.4, 80, 0.06}, 1, 1, 1000));
    CHECK(club.standing("eve")->rank == 1);
    CHECK(club.standing("eve")->rating == 2100);
    CHECK(club.standing("eve")->glicko == Glicko{2100.4, 80, 0.06});
    CHECK(club.standing("eve")->games == 1);
    CHECK(club.standing("ann")->rank == 2);
    CHECK(club.page(1, 0)[0].player == "eve");
    CHECK(club.standing("dan")->rank == 5);
    CHECK_FALSE(club.apply("zed", {1000, 80, 0.06}, 1, 1, 1000));
}

TEST_CASE("a late update does not undo a later game, reset does") {
    auto club = small_club();
    REQUIRE(club.apply("eve", {1600, 80, 0.06}, 2, 7, 5000));
    // seq 6 answered after seq 7: its values stay out, its played_at counts if later
    CHECK_FALSE(club.apply("eve", {1450, 90, 0.06}, 1, 6, 9000));
    CHECK(club.standing("eve")->rating == 1600);
    CHECK(club.standing("eve")->games == 2);
    CHECK(club.standing("eve")->rated_at_ms == 9000);
    REQUIRE(club.reset({"eve", 1400, 350, 0.06, 0, std::nullopt}, 0));
    CHECK(club.standing("eve")->rating == 1400);
    CHECK_FALSE(club.standing("eve")->rated_at_ms.has_value());
    CHECK(club.apply("eve", {1500, 300, 0.06}, 1, 1, 2000));
    CHECK(club.player("eve")->rated_at_ms == 2000);
}

TEST_CASE("rated_at is the latest played_at of a player's games, not the last one's") {
    auto club = small_club();
    REQUIRE(club.apply("eve", {1600, 80, 0.06}, 1, 1, 5000));
    REQUIRE(club.apply("eve", {1610, 79, 0.06}, 2, 2, 3000)); // played before the first
    CHECK(club.standing("eve")->rated_at_ms == 5000);
}

TEST_CASE("a player's values come back at full precision") {
    const Ranking club({{"ann", 1999.75, 61.5, 0.0599, 12}});
    const auto ann = club.player("ann");
    REQUIRE(ann.has_value());
    CHECK(ann->glicko() == Glicko{1999.75, 61.5, 0.0599});
    CHECK(ann->games == 12);
    CHECK(club.standing("ann")->rating == 2000); // ranks use the rounded rating
    CHECK_FALSE(club.player("zed").has_value());
}

TEST_CASE("ratings at both ends of the range") {
    const Ranking club({{"low", min_rating}, {"high", max_rating}});
    CHECK(club.standing("low")->rank == 2);
    CHECK(club.standing("low")->percentile == doctest::Approx(0.0));
    CHECK(club.standing("high")->rank == 1);
    // Glicko has no ceiling: a rating past the range ranks in the top bucket.
    const Ranking beyond({{"x", max_rating + 10.0}, {"y", max_rating}});
    CHECK(beyond.standing("x")->rating == max_rating);
    CHECK(beyond.standing("x")->rank == 1);
    CHECK(beyond.standing("y")->rank == 1);
    CHECK_THROWS_AS(Ranking({{"x", 1}, {"x", 2}}), std::invalid_argument);
}
