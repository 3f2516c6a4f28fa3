// The PostgreSQL store against a throwaway server (temp_postgres.hpp), one for the whole run:
// the store's guarantees as for SQLite, then what only a networked, shared database brings:
// several servers writing at once, and a database that goes away and comes back.
#include "captured_stderr.hpp"
#include "club_verify_cases.hpp"
#include "store_guarantees.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <thread>

using namespace ranking;
using namespace ranking::guarantees;

namespace {

// True when no PostgreSQL can be had here: the test says why and is skipped.
bool skipped_without_postgres() {
    std::string why;
    if (PgBackend::available(why)) return false;
    MESSAGE("skipped: " << why);
    return true;
}

} // namespace

TEST_CASE_TEMPLATE_INVOKE(store_guarantees, PgBackend);
TEST_CASE_TEMPLATE_INVOKE(club_verify, PgBackend);

TEST_CASE("a database of schema 1 is migrated at open and keeps its games and ratings") {
    if (skipped_without_postgres()) return;
    net::io_context loop;
    PgBackend backend;
    StoredGame first;
    {
        auto store = backend.open(loop, trio);
        first = record(loop, *store, game("m1", "alice", "bob", GameResult::black_wins, 1000),
                       WorkPlacement::offload)
                    .game;
    }
    // What schema 1 left: no time anywhere.
    backend.edit("ALTER TABLE games DROP COLUMN white_periods, DROP COLUMN black_periods");
    backend.edit("ALTER TABLE players DROP COLUMN rated_at");
    backend.edit("ALTER TABLE ranking_meta DROP COLUMN periods_per_day, DROP COLUMN "
                 "timed_from_seq");
    backend.edit("UPDATE ranking_meta SET schema_version = 1");
    auto store = backend.open(loop, trio);
    CHECK(store->rating_time().timed_from_seq == 2);
    CHECK(store->rating_time().periods_per_day == default_rating_periods_per_day);
    bool found_bob = false;
    for (const auto& p : store->players_at_open())
        if (p.name == "bob") {
            found_bob = true;
            CHECK(p.glicko() == first.black.after);
            CHECK(p.games == 1);
            CHECK(p.rated_at_ms == 1000);
        }
    CHECK(found_bob);
    const auto kept = await_one(loop, store->find("m1", WorkPlacement::offload));
    REQUIRE(kept.games.size() == 1);
    CHECK(kept.games.front() == first); // its t stays 0: rated before time counted
    const auto second =
        record(loop, *store, game("m2", "bob", "charlie", GameResult::draw, 1000 + 10 * ms_per_day),
               WorkPlacement::offload)
            .game;
    CHECK(second.white.periods == doctest::Approx(10 * default_rating_periods_per_day));
    CHECK(second.black.periods == 0); // charlie's first game
    const auto replay = verify_club(backend.database(), std::nullopt, {});
    CHECK(replay.difference == "");
    CHECK(replay.games == 2);
}

TEST_CASE("no thread: offload commits games sent together at once, inline one by one, both on "
          "the loop's thread") {
    if (skipped_without_postgres()) return;
    net::io_context loop;
    PgBackend backend;
    std::vector<std::pair<std::thread::id, std::size_t>> commits;
    PgGameStore store(loop.get_executor(), backend.config(), trio,
                      {[&](std::size_t games, double) {
                           commits.emplace_back(std::this_thread::get_id(), games);
                       },
                       {}});
    for (auto mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop}) {
        CAPTURE(to_string(mode));
        commits.clear();
        std::vector<net::awaitable<RecordOutcome>> calls;
        for (int i = 0; i < 30; ++i) {
            const auto& [white, black] = pairings[i % 6];
            calls.push_back(store.record(game(std::string(to_string(mode)) + std::to_string(i),
                                              white, black, GameResult::draw),
                                         mode));
        }
        for (const auto& outcome : await_all(loop, std::move(calls)))
            CHECK(outcome.kind == RecordOutcome::Kind::created);
        std::size_t games = 0;
        for (const auto& [thread, count] : commits) {
            CHECK(thread == std::this_thread::get_id());
            if (mode == WorkPlacement::inline_on_loop) CHECK(count == 1);
            games += count;
        }
        CHECK(games == 30);
        // All 30 are queued while the first transaction starts: one or two carry them all.
        if (mode == WorkPlacement::offload) CHECK(commits.size() <= 2);
    }
}

namespace {

// An inline game for alice `delay` after an offloaded one was queued: over the delays tried,
// some land while the offloaded transaction holds alice's row.
net::awaitable<RecordOutcome> inline_after(GameStore& store, std::chrono::microseconds delay,
                                           GameSubmission game) {
    net::steady_timer timer(co_await net::this_coro::executor, delay);
    co_await timer.async_wait(use_nothrow);
    auto recording = store.record(std::move(game), WorkPlacement::inline_on_loop);
    co_return co_await std::move(recording);
}

} // namespace

TEST_CASE(
    "a switch to inline while a transaction is in flight: the loop does not wait for itself") {
    if (skipped_without_postgres()) return;
    net::io_context loop;
    PgBackend backend;
    PgGameStore store(loop.get_executor(), backend.config(), trio);
    for (int step = 0; step < 40; ++step) {
        std::vector<net::awaitable<RecordOutcome>> calls;
        const auto n = std::to_string(step);
        calls.push_back(
            store.record(game("x" + n, "alice", "bob", GameResult::draw), WorkPlacement::offload));
        calls.push_back(inline_after(store, std::chrono::microseconds(250 * step),
                                     game("y" + n, "alice", "charlie", GameResult::white_wins)));
        for (const auto& outcome : await_all(loop, std::move(calls)))
            CHECK(outcome.kind == RecordOutcome::Kind::created);
    }
    check_replay(export_all(loop, store, WorkPlacement::offload, 1000), trio());
}

TEST_CASE("past the bounded queue: 'overloaded', nothing written, no hole in the seqs") {
    if (skipped_without_postgres()) return;
    net::io_context loop;
    PgBackend backend;
    auto config = backend.config();
    config.max_pending_games = 5;
    PgGameStore store(loop.get_executor(), config, trio);
    std::vector<net::awaitable<RecordOutcome>> calls;
    for (int i = 0; i < 20; ++i)
        calls.push_back(
            store.record(game("o" + std::to_string(i), "alice", "bob", GameResult::draw),
                         WorkPlacement::offload));
    std::set<std::int64_t> seqs;
    std::size_t overloaded = 0;
    for (const auto& outcome : await_all(loop, std::move(calls))) {
        if (outcome.kind == RecordOutcome::Kind::overloaded)
            ++overloaded;
        else if (outcome.kind == RecordOutcome::Kind::created)
            seqs.insert(outcome.game.seq);
    }
    CHECK(overloaded > 0);
    CHECK(seqs.size() + overloaded == 20);
    REQUIRE_FALSE(seqs.empty());
    CHECK(*seqs.rbegin() == static_cast<std::int64_t>(seqs.size()));
    CHECK(export_all(loop, store, WorkPlacement::offload, 100).size() == seqs.size());
}

namespace {

// One "server": its own loop on its own thread, its own store and connections.
struct Server {
    net::io_context loop;
    std::unique_ptr<GameStore> store;
    std::vector<RecordOutcome> outcomes;
};

// Opens the store (both servers at once: the schema must still be created only once) and
// posts `games` for alice, all sent at once, the odd ones inline when `mixed`.
void serve(Server& server, PgBackend& backend, const std::string& prefix, int games, bool mixed) {
    server.store = backend.open(server.loop, trio);
    std::vector<net::awaitable<RecordOutcome>> calls;
    for (int i = 0; i < games; ++i) {
        const char* other = i % 2 ? "bob" : "charlie";
        auto g = i % 3 ? game(prefix + std::to_string(i), "alice", other, GameResult::white_wins)
                       : game(prefix + std::to_string(i), other, "alice", GameResult::draw);
        calls.push_back(server.store->record(
            std::move(g), mixed && i % 2 ? WorkPlacement::inline_on_loop : WorkPlacement::offload));
    }
    server.outcomes = await_all(server.loop, std::move(calls));
}

} // namespace

TEST_CASE("two servers on one database: the ratings of games applied in seq order") {
    if (skipped_without_postgres()) return;
    PgBackend backend;
    Server a, b;
    constexpr int games = 60;
    {
        std::jthread first([&] { serve(a, backend, "a", games, false); });
        std::jthread second([&] { serve(b, backend, "b", games, true); });
    }
    CHECK(a.store->players_at_open() == trio());
    CHECK(b.store->players_at_open() == trio());

    const auto stored = export_all(a.loop, *a.store, WorkPlacement::offload, 1000);
    REQUIRE(stored.size() == 2 * games);
    check_replay(stored, trio()); // seqs 1..N, each game rated from the values before it
    for (const auto* server : {&a, &b})
        for (const auto& outcome : server->outcomes) {
            REQUIRE(outcome.kind == RecordOutcome::Kind::created);
            CHECK(stored[static_cast<std::size_t>(outcome.game.seq - 1)] == outcome.game);
        }
}

TEST_CASE("a stopped database: 'unavailable' and read errors, then the store reconnects") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    net::io_context loop;
    PgBackend backend;
    std::vector<bool> connection; // what the observer was told, in order
    PgGameStore store(loop.get_executor(), backend.config(), trio,
                      {{}, [&](bool up) { connection.push_back(up); }});
    REQUIRE(
        record(loop, store, game("d1", "alice", "bob", GameResult::draw), WorkPlacement::offload)
            .kind == RecordOutcome::Kind::created);

    postgres->stop();
    for (auto mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop}) {
        CAPTURE(to_string(mode));
        const auto refused =
            record(loop, store, game("d2", "bob", "alice", GameResult::draw), mode);
        CHECK(refused.kind == RecordOutcome::Kind::unavailable);
        CHECK_FALSE(refused.message.empty());
        auto finding = store.find("d1", mode);
        CHECK(await_one(loop, std::move(finding)).error);
    }
    CHECK_FALSE(store.connected());

    postgres->start();
    // The store reconnects by itself; the loop runs in between tries (bounded: 30 s).
    RecordOutcome accepted;
    for (int attempt = 0; attempt < 600 && accepted.kind != RecordOutcome::Kind::created;
         ++attempt) {
        loop.restart();
        loop.run_for(std::chrono::milliseconds(50));
        accepted = record(loop, store, game("d2", "bob", "alice", GameResult::draw),
                          WorkPlacement::offload);
    }
    REQUIRE(accepted.kind == RecordOutcome::Kind::created);
    CHECK(accepted.game.seq == 2); // the refused attempts left no trace
    CHECK(accepted.game.white.before ==
          record(loop, store, game("d1", "alice", "bob", GameResult::draw), WorkPlacement::offload)
              .game.black.after);
    const auto blocking = record(loop, store, game("d3", "charlie", "bob", GameResult::draw),
                                 WorkPlacement::inline_on_loop);
    CHECK(blocking.kind == RecordOutcome::Kind::created);
    CHECK(blocking.game.seq == 3);
    CHECK(connection == std::vector<bool>{false, true});
}

namespace {

// Runs `loop` in slices until `done()` (bounded: 30 s), for a store's own background work.
template <typename Done> bool run_until(net::io_context& loop, Done done) {
    for (int slice = 0; slice < 600; ++slice) {
        if (done()) return true; // asked once per slice: `done` may do work (record a game)
        loop.restart();
        loop.run_for(std::chrono::milliseconds(50));
    }
    return false;
}

} // namespace

TEST_CASE("following: another server's games arrive in seq order, and those committed while "
          "the listener was away once it is back") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    net::io_context loop;
    PgBackend backend;
    std::vector<bool> listening, connection; // what the observer was told, in order
    PgGameStore follower(loop.get_executor(), backend.config(), trio,
                         {{},
                          [&](bool up) { connection.push_back(up); },
                          [&](bool up) { listening.push_back(up); },
                          {}});
    PgGameStore writer(loop.get_executor(), backend.config(), trio);
    std::vector<StoredGame> seen;
    follower.follow(follower.last_seq_at_open(), [&](const std::vector<StoredGame>& games) {
        seen.insert(seen.end(), games.begin(), games.end());
    });
    REQUIRE(run_until(loop, [&] { return !listening.empty(); }));

    std::vector<StoredGame> written;
    for (int i = 0; i < 6; ++i) {
        const auto& [white, black] = pairings[static_cast<std::size_t>(i)];
        auto outcome = record(loop, writer,
                              game("f" + std::to_string(i), white, black, GameResult::white_wins),
                              i % 2 ? WorkPlacement::inline_on_loop : WorkPlacement::offload);
        REQUIRE(outcome.kind == RecordOutcome::Kind::created);
        written.push_back(outcome.game);
    }
    REQUIRE(run_until(loop, [&] { return seen.size() >= written.size(); }));
    CHECK(seen == written);

    // The database restarts: the listener is lost, the writer stores games before or after the
    // listener is back; either way the follower reads them all, once each, in seq order.
    postgres->stop();
    REQUIRE(run_until(loop, [&] { return listening.back() == false; }));
    postgres->start();
    for (int i = 6; i < 12; ++i) {
        const auto& [white, black] = pairings[static_cast<std::size_t>(i % 6)];
        RecordOutcome outcome;
        REQUIRE(run_until(loop, [&] {
            outcome =
                record(loop, writer, game("f" + std::to_string(i), white, black, GameResult::draw),
                       WorkPlacement::offload);
            return outcome.kind == RecordOutcome::Kind::created;
        }));
        written.push_back(outcome.game);
    }
    REQUIRE(run_until(loop, [&] { return seen.size() >= written.size(); }));
    CHECK(seen == written);
    CHECK(listening == std::vector<bool>{true, false, true});
    // The follower wrote nothing and read nothing through its own connection, idle across the
    // restart: the listener's return had it checked and reconnected, so its reads work at once.
    REQUIRE(run_until(loop, [&] { return connection.size() == 2; }));
    CHECK(connection == std::vector<bool>{false, true});
    CHECK(export_all(loop, follower, WorkPlacement::offload, 100) == written);
}

namespace {

void run_sql(const std::string& conninfo, const char* sql) {
    const std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(conninfo.c_str()),
                                                             &PQfinish);
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(admin.get(), sql), &PQclear);
    REQUIRE_MESSAGE(PQresultStatus(result.get()) == PGRES_COMMAND_OK,
                    std::string(PQerrorMessage(admin.get())));
}

} // namespace

TEST_CASE("a failed PostgreSQL write is logged with the statement and the server's message, once "
          "a second at most, and the outcome keeps the message for the server") {
    if (skipped_without_postgres()) return;
    net::io_context loop;
    PgBackend backend;
    std::vector<std::string> lines;
    const auto start = std::chrono::steady_clock::now();
    {
        const CapturedStderr captured; // outlives the store: its last line comes as it closes
        {
            PgGameStore store(loop.get_executor(), backend.config(), trio);
            // Every transaction that stores a game fails at COMMIT, the connection stays.
            run_sql(backend.conninfo,
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE "
                    "EXCEPTION 'refused at commit'; END$$; CREATE CONSTRAINT TRIGGER refuse AFTER "
                    "INSERT ON games DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
                    "refuse()");
            for (auto mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop})
                for (int i = 0; i < 10; ++i) {
                    const auto refused = record(
                        loop, store,
                        game("r" + std::to_string(i), "alice", "bob", GameResult::draw), mode);
                    REQUIRE(refused.kind == RecordOutcome::Kind::unavailable);
                    CHECK(refused.message.find("refused at commit") != std::string::npos);
                    CHECK(refused.message.ends_with("(COMMIT)"));
                }
            CHECK(store.connected());
            run_sql(backend.conninfo, "DROP TRIGGER refuse ON games");
            CHECK(record(loop, store, game("r0", "alice", "bob", GameResult::draw),
                         WorkPlacement::offload)
                      .kind == RecordOutcome::Kind::created);
        }
        lines = captured.lines();
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0].starts_with("ranking-server: PostgreSQL write failed: ERROR:  refused at "
                               "commit"));
    CHECK(lines[0].ends_with("(COMMIT)"));
    CHECK(lines.size() <= 2 + static_cast<std::size_t>(seconds.count()));
    for (const auto& line : lines) // nothing else: no WARNING from libpq per failure
        CHECK(line.starts_with("ranking-server: PostgreSQL write "));
    CHECK(failures_counted(lines) == 20);
}

TEST_CASE("a password in a database name the server quotes back is masked") {
    if (skipped_without_postgres()) return;
    PgBackend backend;
    // libpq takes a URI given as dbname for a name (no expansion here): the server, which has
    // no such database, quotes it in its refusal.
    const auto server = backend.conninfo.substr(0, backend.conninfo.find(" dbname="));
    const std::string password = "s3cret-Pa55word";
    const auto conninfo = server + " dbname='postgresql://ranking:" + password + "@127.0.0.1/club'";
    net::io_context loop;
    std::string refusal = "opened";
    try {
        PgGameStore store(loop.get_executor(), {conninfo}, trio);
    } catch (const std::exception& e) {
        refusal = e.what();
    }
    CAPTURE(refusal);
    CHECK(refusal.find("does not exist") != std::string::npos);
    CHECK(refusal.find(password) == std::string::npos);
}
