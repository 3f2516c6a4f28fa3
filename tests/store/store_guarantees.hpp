#pragma once
// The store's guarantees, one body for every backend (store_backends.hpp): each test binary
// invokes it with its backends (TEST_CASE_TEMPLATE_INVOKE(store_guarantees, ...)). Offload and
// inline calls are mixed on purpose: both paths must agree.
#include "club_replay.hpp"
#include "ranking.hpp"
#include "store_backends.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

namespace ranking::guarantees {

using Kind = RecordOutcome::Kind;

inline std::vector<Player> trio() {
    return {{"alice", 1613, 60, 0.06}, {"bob", 1477, 90, 0.06}, {"charlie", 1388, 120, 0.06}};
}

inline constexpr std::pair<const char*, const char*> pairings[] = {
    {"alice", "bob"}, {"bob", "charlie"}, {"charlie", "alice"},
    {"bob", "alice"}, {"charlie", "bob"}, {"alice", "charlie"}};

inline GameSubmission game(std::string id, std::string white, std::string black, GameResult result,
                           std::optional<std::int64_t> played_at_ms = std::nullopt) {
    return {std::move(id), std::move(white), std::move(black), result, played_at_ms};
}

inline RecordOutcome record(net::io_context& loop, GameStore& store, GameSubmission submission,
                            WorkPlacement mode) {
    auto call = store.record(std::move(submission), mode);
    return await_one(loop, std::move(call));
}

// Replays stored games in seq order from the roster (ClubReplay): every game's values and
// ranks must be what that replay gives.
inline void check_replay(const std::vector<StoredGame>& games, const std::vector<Player>& roster) {
    ClubReplay replay(roster, RatingTime{});
    for (const auto& g : games)
        CHECK(replay.check(g) == std::nullopt);
}

inline std::vector<StoredGame> export_all(net::io_context& loop, GameStore& store,
                                          WorkPlacement mode, std::size_t page) {
    std::vector<StoredGame> all;
    for (std::int64_t after = 0;;) {
        auto call = store.games_after(after, page, mode);
        const auto read = await_one(loop, std::move(call));
        REQUIRE_FALSE(read.error);
        all.insert(all.end(), read.games.begin(), read.games.end());
        if (read.games.size() < page) return all;
        after = read.games.back().seq;
    }
}

} // namespace ranking::guarantees

TEST_CASE_TEMPLATE_DEFINE("the store's guarantees", Backend, store_guarantees) {
    using namespace ranking;
    using namespace ranking::guarantees;
    std::string why;
    if (!Backend::available(why)) {
        MESSAGE("skipped for " << std::string(Backend::name) << ": " << why);
        return;
    }
    net::io_context loop; // first: the store's coroutines run on it, so it outlives the store
    Backend backend;
    auto store = backend.open(loop, trio);
    constexpr auto offload = WorkPlacement::offload;
    constexpr auto inline_on_loop = WorkPlacement::inline_on_loop;

    SUBCASE("a new database gets the club") {
        CHECK(store->players_at_open() == trio());
    }

    SUBCASE("created, retried, conflict, unknown player; seqs 1, 2 with no holes") {
        const auto first =
            record(loop, *store, game("g1", "alice", "charlie", GameResult::draw), offload);
        REQUIRE(first.kind == Kind::created);
        const auto expected = rate_game({1613, 60, 0.06}, {1388, 120, 0.06}, 0.5);
        CHECK(first.game.seq == 1);
        CHECK(first.game.played_at_ms > 0); // the server's clock when the client gave none
        CHECK(first.game.white.before == Glicko{1613, 60, 0.06});
        CHECK(first.game.white.after == expected.white);
        CHECK(first.game.black.after == expected.black);
        CHECK(first.game.white.games == 1);
        CHECK(first.game.white.rank == 1); // alice stays on top of three
        CHECK(first.game.black.rank == 3);

        const auto retried =
            record(loop, *store, game("g1", "alice", "charlie", GameResult::draw), inline_on_loop);
        CHECK(retried.kind == Kind::retried);
        CHECK(retried.game == first.game);
        const auto conflict =
            record(loop, *store, game("g1", "alice", "charlie", GameResult::white_wins), offload);
        CHECK(conflict.kind == Kind::conflict);
        CHECK(conflict.game.seq == 1);
        const auto unknown =
            record(loop, *store, game("g2", "alice", "zed", GameResult::draw), inline_on_loop);
        CHECK(unknown.kind == Kind::unknown_player);
        CHECK(unknown.message == "zed");

        auto timed = game("g3", "bob", "alice", GameResult::white_wins);
        timed.played_at_ms = 77;
        const auto next = record(loop, *store, timed, inline_on_loop);
        REQUIRE(next.kind == Kind::created);
        CHECK(next.game.seq == 2); // unknown players and retries take no seq
        CHECK(next.game.played_at_ms == 77);
        CHECK(next.game.black.before == first.game.white.after);
        CHECK(next.game.black.games == 2);
        check_replay({first.game, next.game}, trio());
    }

    SUBCASE("games sent together: seqs in commit order, no holes, ratings chained") {
        constexpr int games = 60;
        std::vector<net::awaitable<RecordOutcome>> calls;
        for (int i = 0; i < games; ++i) {
            const auto& [white, black] = pairings[i % 6];
            calls.push_back(store->record(
                game("g" + std::to_string(i), white, black, static_cast<GameResult>(i % 3)),
                offload));
        }
        // The same id twice in the queue: the second is a retry of the first.
        calls.push_back(store->record(game("g0", "alice", "bob", GameResult::white_wins), offload));
        const auto outcomes = await_all(loop, std::move(calls));
        std::set<std::int64_t> seqs;
        for (int i = 0; i < games; ++i) {
            REQUIRE(outcomes[i].kind == Kind::created);
            seqs.insert(outcomes[i].game.seq);
        }
        CHECK(outcomes.back().kind == Kind::retried);
        CHECK(outcomes.back().game == outcomes[0].game);
        CHECK(seqs.size() == games);
        CHECK(*seqs.rbegin() == games);
        const auto stored = export_all(loop, *store, offload, 7);
        REQUIRE(stored.size() == games);
        check_replay(stored, trio());
        for (const auto& outcome : outcomes)
            CHECK(stored[static_cast<std::size_t>(outcome.game.seq - 1)] == outcome.game);
    }

    SUBCASE("reads: one game, a player's games newest first, the export in commit order") {
        std::vector<StoredGame> recorded;
        for (int i = 1; i <= 10; ++i) {
            const auto& [white, black] = pairings[i % 6];
            const auto outcome = record(
                loop, *store, game("r" + std::to_string(i), white, black, GameResult::black_wins),
                i % 2 ? offload : inline_on_loop);
            REQUIRE(outcome.kind == Kind::created);
            recorded.push_back(outcome.game);
        }
        for (auto mode : {offload, inline_on_loop}) {
            CAPTURE(to_string(mode));
            auto finding = store->find("r3", mode);
            const auto found = await_one(loop, std::move(finding));
            REQUIRE(found.games.size() == 1);
            CHECK(found.games[0] == recorded[2]);
            auto missing = store->find("nope", mode);
            CHECK(await_one(loop, std::move(missing)).games.empty());

            std::vector<StoredGame> alices, paged;
            for (auto it = recorded.rbegin(); it != recorded.rend(); ++it)
                if (it->white.player == "alice" || it->black.player == "alice")
                    alices.push_back(*it);
            std::optional<std::int64_t> before;
            for (;;) {
                auto reading = store->player_games("alice", 3, before, mode);
                const auto page = await_one(loop, std::move(reading));
                REQUIRE_FALSE(page.error);
                paged.insert(paged.end(), page.games.begin(), page.games.end());
                if (page.games.size() < 3) break;
                before = page.games.back().seq;
            }
            CHECK(paged == alices);
            CHECK(export_all(loop, *store, mode, 4) == recorded);
        }
    }

    SUBCASE("games between two players: theirs only, in either colour, newest first, in pages, "
            "with the tally of all of them") {
        using R = GameResult;
        const std::tuple<const char*, const char*, GameResult> played[] = {
            {"alice", "bob", R::white_wins},     {"bob", "charlie", R::white_wins},
            {"bob", "alice", R::white_wins},     {"charlie", "alice", R::black_wins},
            {"alice", "bob", R::draw},           {"bob", "alice", R::black_wins},
            {"alice", "charlie", R::white_wins}, {"alice", "bob", R::black_wins},
            {"bob", "alice", R::draw},           {"charlie", "bob", R::draw},
            {"bob", "alice", R::black_wins}};
        std::vector<StoredGame> recorded;
        for (const auto& [white, black, result] : played) {
            const auto n = recorded.size() + 1;
            const auto outcome =
                record(loop, *store, game("v" + std::to_string(n), white, black, result),
                       n % 2 ? offload : inline_on_loop);
            REQUIRE(outcome.kind == Kind::created);
            recorded.push_back(outcome.game);
        }
        // player's games against opponent, newest first, and their tally, from what was stored
        const auto between = [&](const std::string& player, const std::string& opponent) {
            std::vector<StoredGame> games;
            HeadToHeadTally tally;
            for (auto it = recorded.rbegin(); it != recorded.rend(); ++it) {
                const bool white = it->white.player == player && it->black.player == opponent;
                const bool black = it->black.player == player && it->white.player == opponent;
                if (!white && !black) continue;
                games.push_back(*it);
                if (it->result == GameResult::draw)
                    ++tally.draws;
                else if ((it->result == GameResult::white_wins) == white)
                    ++tally.wins;
                else
                    ++tally.losses;
            }
            return std::pair{games, tally};
        };
        const auto same = [](const HeadToHeadTally& a, const HeadToHeadTally& b) {
            return a.wins == b.wins && a.draws == b.draws && a.losses == b.losses;
        };
        const auto alice_bob = between("alice", "bob");
        REQUIRE(alice_bob.first.size() == 7); // both colours, and never a game with charlie
        CHECK(same(alice_bob.second, HeadToHeadTally{3, 2, 2}));
        for (auto mode : {offload, inline_on_loop}) {
            CAPTURE(to_string(mode));
            for (const auto& pair : {std::pair{"alice", "bob"}, std::pair{"bob", "alice"},
                                     std::pair{"charlie", "alice"}}) {
                const std::string player = pair.first, opponent = pair.second;
                CAPTURE(player);
                CAPTURE(opponent);
                const auto expected = between(player, opponent);
                std::vector<StoredGame> paged;
                std::optional<std::int64_t> before;
                for (int pages = 0; pages < 10; ++pages) {
                    auto reading = store->games_between(player, opponent, 3, before, mode);
                    const auto page = await_one(loop, std::move(reading));
                    REQUIRE_FALSE(page.error);
                    REQUIRE(page.tally); // every page counts them all
                    CHECK(same(*page.tally, expected.second));
                    paged.insert(paged.end(), page.games.begin(), page.games.end());
                    if (page.games.size() < 3) break;
                    before = page.games.back().seq;
                }
                CHECK(paged == expected.first);
            }
            // Before their first game: no game, and still the tally of all of them.
            auto reading = store->games_between("bob", "alice", 3, recorded.front().seq, mode);
            const auto none = await_one(loop, std::move(reading));
            REQUIRE_FALSE(none.error);
            CHECK(none.games.empty());
            REQUIRE(none.tally);
            CHECK(same(*none.tally, HeadToHeadTally{2, 2, 3}));
        }
    }

    SUBCASE("a reopened store keeps every game and player, and ignores the roster") {
        const auto one =
            record(loop, *store, game("k1", "alice", "bob", GameResult::black_wins), offload);
        const auto two =
            record(loop, *store, game("k2", "bob", "charlie", GameResult::draw), inline_on_loop);
        REQUIRE(two.kind == Kind::created);
        store.reset();
        bool roster_asked = false;
        store = backend.open(loop, [&] {
            roster_asked = true;
            return std::vector<Player>{{"zed", 1500}};
        });
        CHECK_FALSE(roster_asked);
        std::map<std::string, Player> players;
        for (const auto& p : store->players_at_open())
            players[p.name] = p;
        REQUIRE(players.size() == 3);
        CHECK(players["alice"].glicko() == one.game.white.after);
        CHECK(players["bob"].glicko() == two.game.white.after);
        CHECK(players["bob"].games == 2);
        CHECK(players["charlie"].glicko() == two.game.black.after);
        CHECK(export_all(loop, *store, offload, 100) ==
              std::vector<StoredGame>{one.game, two.game});
        const auto three =
            record(loop, *store, game("k3", "charlie", "alice", GameResult::draw), offload);
        CHECK(three.game.seq == 3);
    }
}
