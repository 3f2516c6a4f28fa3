// The SQLite database on its own: schema, durability rules, batches, refusals. Real files in
// the temp directory; no threads, no sockets.
#include "sqlite_database.hpp"
#include "temp_database.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

using namespace ranking;
using Kind = RecordOutcome::Kind;

namespace {

std::vector<Player> trio() {
    return {{"alice", 1613, 60, 0.06}, {"bob", 1477, 90, 0.06}, {"charlie", 1388, 120, 0.06}};
}

SqliteDatabase open_new(const TempDatabase& file) {
    return SqliteDatabase(file.path(), trio, std::chrono::milliseconds(100));
}

GameSubmission game(std::string id, std::string white, std::string black, GameResult result,
                    std::optional<std::int64_t> played_at_ms = std::nullopt) {
    return {std::move(id), std::move(white), std::move(black), result, played_at_ms};
}

std::int64_t pragma_value(const TempDatabase& file, const std::string& pragma) {
    const Connection c(file.path());
    Statement statement(c, "PRAGMA " + pragma);
    return statement.step() ? statement.integer(0) : -1;
}

std::string refusal(const std::filesystem::path& file) {
    try {
        SqliteDatabase db(file, trio, std::chrono::milliseconds(100));
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "opened";
}

} // namespace

TEST_CASE("a new file gets the club, a reopened one keeps its games and ignores the roster") {
    const TempDatabase file;
    {
        auto db = open_new(file);
        CHECK(db.created());
        CHECK(db.players_at_open().size() == 3);
        CHECK(db.last_seq() == 0);
        const GameSubmission first = game("g1", "alice", "bob", GameResult::black_wins);
        REQUIRE(db.record({&first, 1}, 1000).front().kind == Kind::created);
    }
    bool roster_asked = false;
    SqliteDatabase again(
        file.path(),
        [&] {
            roster_asked = true;
            return std::vector<Player>{{"zed", 1500}};
        },
        std::chrono::milliseconds(100));
    CHECK_FALSE(again.created());
    CHECK_FALSE(roster_asked);
    CHECK(again.last_seq() == 1);
    const auto stored = again.find("g1");
    REQUIRE(stored.games.size() == 1);
    for (const auto& p : again.players_at_open()) {
        if (p.name == "bob") {
            CHECK(p.glicko() == stored.games[0].black.after);
            CHECK(p.games == 1);
        }
        if (p.name == "charlie") CHECK(p.games == 0);
    }
}

TEST_CASE("games leave players' rows alone, at open each player has their last game's values") {
    const TempDatabase file;
    std::vector<StoredGame> stored;
    {
        auto db = open_new(file);
        const std::vector<GameSubmission> games{game("g1", "alice", "bob", GameResult::white_wins),
                                                game("g2", "charlie", "bob", GameResult::draw),
                                                game("g3", "alice", "charlie", GameResult::draw)};
        for (auto& outcome : db.record(games, 1000)) {
            REQUIRE(outcome.kind == Kind::created);
            stored.push_back(outcome.game);
        }
    }
    {
        const Connection c(file.path());
        Statement bob(c, "SELECT rating, rd, games FROM players WHERE name = 'bob'");
        REQUIRE(bob.step());
        CHECK(bob.real(0) == 1477); // the roster's, untouched by two games
        CHECK(bob.real(1) == 90);
        CHECK(bob.integer(2) == 0);
    }
    const auto again = open_new(file);
    std::map<std::string, Player> at_open;
    for (const auto& p : again.players_at_open())
        at_open[p.name] = p;
    CHECK(at_open["bob"].glicko() == stored[1].black.after);
    CHECK(at_open["bob"].games == 2);
    CHECK(at_open["alice"].glicko() == stored[2].white.after);
    CHECK(at_open["alice"].games == 2);
    CHECK(at_open["charlie"].glicko() == stored[2].black.after);
    CHECK(at_open["charlie"].games == 2);
}

TEST_CASE("a file of schema 1 is migrated at open and keeps every player's values and games") {
    const TempDatabase file;
    StoredGame first;
    {
        auto db = open_new(file);
        const GameSubmission g1 = game("g1", "alice", "bob", GameResult::black_wins, 1000);
        first = db.record({&g1, 1}, 1000).front().game;
    }
    {
        // What schema 1 left: no view, no time, and the players' rows updated with every game.
        Connection c(file.path());
        c.execute("DROP VIEW player_standings; DROP TABLE rating_time; ALTER TABLE games DROP "
                  "COLUMN white_periods; ALTER TABLE games DROP COLUMN black_periods; PRAGMA "
                  "user_version = 1");
        c.execute(("UPDATE players SET rating = " + std::to_string(first.black.after.rating) +
                   ", games = 1 WHERE name = 'bob'")
                      .c_str());
    }
    auto again = open_new(file);
    CHECK(pragma_value(file, "user_version") == schema_version);
    for (const auto& p : again.players_at_open())
        if (p.name == "bob") {
            CHECK(p.glicko() == first.black.after);
            CHECK(p.games == 1);
            CHECK(p.rated_at_ms == 1000);
        }
    CHECK(again.find("g1").games.front() == first); // its t stays 0: rated before time counted
    CHECK(again.rating_time().timed_from_seq == 2);
    CHECK(again.rating_time().periods_per_day == default_rating_periods_per_day);
    // The next game counts the days since bob's last one.
    const GameSubmission g2 =
        game("g2", "bob", "charlie", GameResult::draw, 1000 + 10 * ms_per_day);
    const auto second = again.record({&g2, 1}, 0).front().game;
    CHECK(second.white.periods == doctest::Approx(10 * default_rating_periods_per_day));
    CHECK(second.black.periods == 0); // charlie's first game
}

TEST_CASE("a file rated at one rate refuses another, and keeps its own when none is asked") {
    const TempDatabase file;
    { SqliteDatabase db(file.path(), trio, std::chrono::milliseconds(100), 0.5); }
    CHECK(SqliteDatabase(file.path(), trio, std::chrono::milliseconds(100))
              .rating_time()
              .periods_per_day == 0.5);
    CHECK_THROWS_WITH_AS(SqliteDatabase(file.path(), trio, std::chrono::milliseconds(100), 0.25),
                         doctest::Contains("rated with 0.5 rating periods a day, not 0.25"),
                         std::runtime_error);
}

TEST_CASE("a game's values are Glicko-2 from both players' values before it") {
    const TempDatabase file;
    auto db = open_new(file);
    const GameSubmission first = game("g1", "alice", "charlie", GameResult::draw);
    const auto outcome = db.record({&first, 1}, 1234).front();
    REQUIRE(outcome.kind == Kind::created);
    const auto expected = rate_game({1613, 60, 0.06}, {1388, 120, 0.06}, 0.5);
    CHECK(outcome.game.seq == 1);
    CHECK(outcome.game.played_at_ms == 1234); // the server's clock when the client gave none
    CHECK(outcome.game.white.before == Glicko{1613, 60, 0.06});
    CHECK(outcome.game.white.after == expected.white);
    CHECK(outcome.game.black.after == expected.black);
    CHECK(outcome.game.white.games == 1);
    CHECK(outcome.game.white.rank == 1); // alice stays on top of three
    CHECK(outcome.game.black.rank == 3);
    CHECK(db.find("g1").games.front() == outcome.game);
}

TEST_CASE("one batch: retries, conflicts and unknown players, ratings chain in order") {
    const TempDatabase file;
    auto db = open_new(file);
    GameSubmission timed = game("t", "bob", "charlie", GameResult::white_wins);
    timed.played_at_ms = 77;
    const std::vector<GameSubmission> batch{
        game("g1", "alice", "bob", GameResult::white_wins),
        game("g1", "alice", "bob", GameResult::white_wins), // retry, same transaction
        game("g1", "alice", "bob", GameResult::draw),       // the id is taken
        game("g2", "alice", "zed", GameResult::draw),       // unknown player
        game("g3", "bob", "alice", GameResult::white_wins),
        timed,
    };
    const auto outcomes = db.record(batch, 1000);
    REQUIRE(outcomes.size() == batch.size());
    CHECK(outcomes[0].kind == Kind::created);
    CHECK(outcomes[1].kind == Kind::retried);
    CHECK(outcomes[1].game == outcomes[0].game);
    CHECK(outcomes[2].kind == Kind::conflict);
    CHECK(outcomes[2].game.seq == 1);
    CHECK(outcomes[3].kind == Kind::unknown_player);
    CHECK(outcomes[3].message == "zed");
    REQUIRE(outcomes[4].kind == Kind::created);
    CHECK(outcomes[4].game.seq == 2); // unknown players and retries take no seq
    CHECK(outcomes[4].game.black.before == outcomes[0].game.white.after);
    CHECK(outcomes[4].game.white.before == outcomes[0].game.black.after);
    CHECK(outcomes[4].game.black.games == 2);
    CHECK(outcomes[5].game.played_at_ms == 77);
    CHECK(db.last_seq() == 3);
    CHECK(db.find("g2").games.empty());
}

TEST_CASE("a failed transaction leaves nothing behind, in the file or in memory") {
    const TempDatabase file;
    auto db = open_new(file);
    const GameSubmission first = game("g1", "alice", "bob", GameResult::white_wins);
    const GameSubmission second = game("g2", "alice", "charlie", GameResult::white_wins);
    const std::vector<GameSubmission> batch{first, second};
    db.set_read_only(true); // as a read-only reopen would: every write refused
    const auto refused = db.record(batch, 1000);
    REQUIRE(refused.size() == 2);
    CHECK(refused[0].kind == Kind::unavailable);
    CHECK(refused[1].kind == Kind::unavailable);
    CHECK(refused[0].message.find("readonly") != std::string::npos);
    CHECK(db.last_seq() == 0);
    CHECK(db.find("g1").games.empty());
    CHECK(db.games_after(0, 10).games.empty()); // reads still work

    db.set_read_only(false); // the store recovers: the same games, from the same values
    const auto accepted = db.record(batch, 1000);
    REQUIRE(accepted[0].kind == Kind::created);
    CHECK(accepted[0].game.seq == 1);
    CHECK(accepted[0].game.white.before == Glicko{1613, 60, 0.06});
    CHECK(accepted[1].game.white.before == accepted[0].game.white.after);
}

TEST_CASE("a player's games newest first, the export in commit order, by page") {
    const TempDatabase file;
    auto db = open_new(file);
    const std::vector<std::pair<const char*, const char*>> pairs{
        {"alice", "charlie"}, {"bob", "charlie"}, {"alice", "bob"},    {"charlie", "bob"},
        {"alice", "charlie"}, {"bob", "alice"},   {"charlie", "alice"}};
    std::vector<GameSubmission> games;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        games.push_back(
            game("g" + std::to_string(i + 1), pairs[i].first, pairs[i].second, GameResult::draw));
    for (const auto& outcome : db.record(games, 1000))
        REQUIRE(outcome.kind == Kind::created);

    const auto charlie = db.player_games("charlie", 3, std::nullopt).games;
    REQUIRE(charlie.size() == 3);
    CHECK(charlie[0].id == "g7");
    CHECK(charlie[1].id == "g5");
    CHECK(charlie[2].id == "g4");
    const auto older = db.player_games("charlie", 10, charlie[2].seq).games;
    REQUIRE(older.size() == 2);
    CHECK(older[0].id == "g2");
    CHECK(older[1].id == "g1");
    const auto alice = db.player_games("alice", 10, std::nullopt).games; // white and black
    REQUIRE(alice.size() == 5);
    CHECK(alice[0].id == "g7");
    CHECK(alice[1].id == "g6");
    CHECK(alice[4].id == "g1");

    const auto page = db.games_after(2, 3).games;
    REQUIRE(page.size() == 3);
    CHECK(page[0].seq == 3);
    CHECK(page[2].seq == 5);
    CHECK(db.games_after(7, 10).games.empty());
}

TEST_CASE("a foreign, corrupt or newer file is refused with a message naming it") {
    const TempDatabase text;
    std::ofstream(text.path()) << "name,rating\nalice,1613\n";
    CHECK(refusal(text.path()).find(text.path().string() + ": not a ranking database") == 0);

    const TempDatabase foreign;
    {
        const Connection c(foreign.path());
        const_cast<Connection&>(c).execute("CREATE TABLE notes (body TEXT)");
    }
    CHECK(refusal(foreign.path()).find("another application's tables") != std::string::npos);

    const TempDatabase newer;
    { open_new(newer); }
    {
        Connection c(newer.path());
        c.execute("PRAGMA user_version = 99");
    }
    CHECK(refusal(newer.path()).find("newer ranking-server (schema 99") != std::string::npos);

    const TempDatabase corrupt;
    { open_new(corrupt); }
    {
        // Scribble over the whole second page (a table's root); the file header stays intact.
        std::fstream bytes(corrupt.path(), std::ios::in | std::ios::out | std::ios::binary);
        bytes.seekp(4096);
        const std::string junk(4096, '\x5a');
        bytes.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const auto why = refusal(corrupt.path());
    CAPTURE(why);
    CHECK(why.find(corrupt.path().string()) == 0);
    CHECK(why != "opened");
}
