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
    REQUIRE(club.set_rating("eve", 2100));
    CHECK(club.standing("eve")->rank == 1);
    CHECK(club.standing("ann")->rank == 2);
    CHECK(club.page(1, 0)[0].player == "eve");
    CHECK(club.standing("dan")->rank == 5);
    CHECK_FALSE(club.set_rating("zed", 1000));
}

TEST_CASE("ratings at both ends of the range") {
    const Ranking club({{"low", min_rating}, {"high", max_rating}});
    CHECK(club.standing("low")->rank == 2);
    CHECK(club.standing("low")->percentile == doctest::Approx(0.0));
    CHECK(club.standing("high")->rank == 1);
    CHECK_THROWS_AS(Ranking({{"x", max_rating + 1}}), std::invalid_argument);
    CHECK_THROWS_AS(Ranking({{"x", 1}, {"x", 2}}), std::invalid_argument);
}
