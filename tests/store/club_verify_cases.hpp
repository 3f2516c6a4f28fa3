#pragma once
// The replay (club_verify.hpp) against a store built by 10,000 random games, for each backend:
// it agrees, and it names the game whose stored rating was edited by hand.
#include "club_verify.hpp"
#include "store_backends.hpp"

#include <doctest/doctest.h>

#include <random>

namespace ranking::verify_cases {

// Games at random between the club's players, over about two years of played_at: gaps of days
// to months between a player's games, some games sent late (played before others stored).
inline void record_random_games(net::io_context& loop, GameStore& store,
                                const std::vector<Player>& club, int count) {
    std::mt19937_64 random(28);
    std::uniform_int_distribution<std::size_t> pick(0, club.size() - 1);
    std::uniform_int_distribution<int> result(0, 2);
    std::uniform_int_distribution<std::int64_t> step(0, 2 * ms_per_day);
    std::int64_t clock = 1'600'000'000'000;
    for (int done = 0; done < count;) {
        std::vector<net::awaitable<RecordOutcome>> batch;
        for (; done < count && batch.size() < 500; ++done) {
            const auto white = pick(random);
            auto black = pick(random);
            if (black == white) black = (black + 1) % club.size();
            clock += step(random) / 20;
            const bool late = done % 17 == 0;
            batch.push_back(store.record({"r" + std::to_string(done), club[white].name,
                                          club[black].name, static_cast<GameResult>(result(random)),
                                          late ? clock - 30 * ms_per_day : clock},
                                         WorkPlacement::offload));
        }
        for (const auto& outcome : await_all(loop, std::move(batch)))
            REQUIRE(outcome.kind == RecordOutcome::Kind::created);
    }
}

} // namespace ranking::verify_cases

TEST_CASE_TEMPLATE_DEFINE("a replay of ten thousand random games agrees with the store and "
                          "names a game edited by hand",
                          Backend, club_verify) {
    using namespace ranking;
    std::string why;
    if (!Backend::available(why)) {
        MESSAGE("skipped for " << std::string(Backend::name) << ": " << why);
        return;
    }
    net::io_context loop;
    Backend backend;
    const auto club = generate_club(200);
    {
        auto store = backend.open(loop, [&] { return club; });
        verify_cases::record_random_games(loop, *store, club, 10'000);
    }
    std::int64_t last_progress = 0;
    const auto passed =
        verify_club(backend.database(), std::nullopt,
                    [&](std::int64_t checked, std::int64_t) { last_progress = checked; });
    CHECK(passed.difference == "");
    CHECK(passed.passed);
    CHECK(passed.games == 10'000);
    CHECK(last_progress == 10'000);

    backend.edit("UPDATE games SET black_rating = black_rating + 0.5 WHERE seq = 4321");
    const auto failed = verify_club(backend.database(), std::nullopt, {});
    CHECK_FALSE(failed.passed);
    CHECK(failed.read);
    CHECK(failed.games == 4321);
    CHECK(failed.difference.find("game 'r4320' (seq 4321): black") != std::string::npos);
    CHECK(failed.difference.find("'s after rating is") != std::string::npos);
}
