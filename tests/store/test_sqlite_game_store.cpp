// The store as the routes use it: awaited from a loop, offload (storage thread, group commit)
// or inline (the loop's own thread, one transaction per game).
#include "foreign_lock.hpp"
#include "sqlite_game_store.hpp"
#include "temp_database.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <mutex>
#include <set>
#include <thread>

using namespace ranking;
using Kind = RecordOutcome::Kind;

namespace {

struct Commit {
    std::thread::id thread;
    std::size_t games = 0;
};

// A store on a fresh file whose commits are written down: which thread, how many games.
struct ObservedStore {
    explicit ObservedStore(std::chrono::milliseconds busy_timeout = std::chrono::seconds(5),
                           const std::function<void(SqliteStoreConfig&)>& tune = {})
        : store(
              configured(busy_timeout, tune),
              [] {
                  return std::vector<Player>{{"alice", 1613}, {"bob", 1477}, {"charlie", 1388}};
              },
              StoreObserver{[this](std::size_t games, double) {
                  const std::lock_guard lock(mutex);
                  commits.push_back({std::this_thread::get_id(), games});
              }}) {}
    SqliteStoreConfig configured(std::chrono::milliseconds busy_timeout,
                                 const std::function<void(SqliteStoreConfig&)>& tune) {
        SqliteStoreConfig config{file.path(), busy_timeout, 10'000};
        if (tune) tune(config);
        return config;
    }
    std::vector<Commit> seen() {
        const std::lock_guard lock(mutex);
        return commits;
    }
    TempDatabase file;
    std::mutex mutex;
    std::vector<Commit> commits;
    SqliteGameStore store;
};

GameSubmission game(int n) {
    const char* names[] = {"alice", "bob", "charlie"};
    return {"g" + std::to_string(n), names[n % 3], names[(n + 1) % 3], GameResult::draw,
            std::nullopt};
}

net::awaitable<void> post(GameStore& store, GameSubmission submission, WorkPlacement mode,
                          RecordOutcome& out) {
    auto recording = store.record(std::move(submission), mode);
    out = co_await std::move(recording);
}

// A named coroutine, not a capturing lambda: GCC 12 mishandles those (shared/NOTES.md).
net::awaitable<void> find(GameStore& store, WorkPlacement mode, GamesRead& out,
                          std::thread::id& resumed_on) {
    auto finding = store.find("g1", mode);
    out = co_await std::move(finding);
    resumed_on = std::this_thread::get_id();
}

} // namespace

TEST_CASE("offload: games that queue during a commit share the next one, off the loop") {
    ObservedStore observed;
    net::io_context loop;
    constexpr int games = 300;
    std::vector<RecordOutcome> outcomes(games);
    // The first commit waits for a lock while every other game queues up behind it.
    ForeignLock lock(observed.file.path());
    net::steady_timer release(loop, std::chrono::milliseconds(200));
    release.async_wait([&](error_code) { lock.release(); });
    for (int i = 0; i < games; ++i)
        net::co_spawn(loop, post(observed.store, game(i), WorkPlacement::offload, outcomes[i]),
                      net::detached);
    loop.run();

    std::set<std::int64_t> seqs;
    for (const auto& outcome : outcomes) {
        REQUIRE(outcome.kind == Kind::created);
        seqs.insert(outcome.game.seq);
    }
    CHECK(seqs.size() == games);
    CHECK(*seqs.rbegin() == games);
    const auto commits = observed.seen();
    CHECK(commits.size() <= 2); // one for the game that met the lock, one for all the rest
    std::size_t committed = 0;
    for (const auto& commit : commits) {
        CHECK(commit.thread != std::this_thread::get_id());
        committed += commit.games;
    }
    CHECK(committed == games);
}

net::awaitable<void> post_noting(GameStore& store, int n, RecordOutcome& out,
                                 std::vector<std::string>& order) {
    co_await post(store, game(n), WorkPlacement::offload, out);
    order.push_back("game " + std::to_string(n));
}

// Game 0 alone; then, while its commit's spacing runs, games 1-20 five milliseconds apart (one
// commit each, were there no spacing) and a read of game 1, still queued.
net::awaitable<void> post_during_spacing(GameStore& store, std::vector<RecordOutcome>& outcomes,
                                         std::vector<std::string>& order, GamesRead& read) {
    co_await post_noting(store, 0, outcomes[0], order);
    auto executor = co_await net::this_coro::executor;
    net::steady_timer pause(executor);
    for (int i = 1; i < static_cast<int>(outcomes.size()); ++i) {
        net::co_spawn(executor, post_noting(store, i, outcomes[i], order), net::detached);
        pause.expires_after(std::chrono::milliseconds(5));
        co_await pause.async_wait(net::use_awaitable);
    }
    std::thread::id resumed_on;
    co_await find(store, WorkPlacement::offload, read, resumed_on);
    order.push_back("read");
}

TEST_CASE("offload: games that arrive within the commit spacing share one commit, reads are "
          "answered meanwhile, the storage thread runs the hook") {
    std::thread::id hooked_on;
    ObservedStore observed(std::chrono::seconds(5), [&](SqliteStoreConfig& config) {
        config.commit_spacing = std::chrono::seconds(1); // ten times what 20 x 5 ms take
        config.on_storage_thread = [&] { hooked_on = std::this_thread::get_id(); };
    });
    net::io_context loop;
    std::vector<RecordOutcome> outcomes(21);
    std::vector<std::string> order;
    GamesRead read;
    net::co_spawn(loop, post_during_spacing(observed.store, outcomes, order, read), net::detached);
    loop.run();

    for (const auto& outcome : outcomes)
        CHECK(outcome.kind == Kind::created);
    const auto commits = observed.seen();
    REQUIRE(commits.size() == 2); // the lone first game at once, then the other twenty together
    CHECK(commits[0].games == 1);
    CHECK(commits[1].games == 20);
    CHECK(commits[0].thread == hooked_on);
    CHECK(hooked_on != std::this_thread::get_id());
    // The read did not wait for the spacing, and saw nothing of the games still queued.
    REQUIRE(order.size() == 22);
    CHECK(order[0] == "game 0");
    CHECK(order[1] == "read");
    CHECK(read.games.empty());
    CHECK_FALSE(read.error);
}

TEST_CASE("inline: each game is its own transaction, on the loop's own thread") {
    ObservedStore observed;
    net::io_context loop;
    std::vector<RecordOutcome> outcomes(20);
    for (int i = 0; i < 20; ++i)
        net::co_spawn(loop,
                      post(observed.store, game(i), WorkPlacement::inline_on_loop, outcomes[i]),
                      net::detached);
    loop.run();
    for (const auto& outcome : outcomes)
        CHECK(outcome.kind == Kind::created);
    const auto commits = observed.seen();
    REQUIRE(commits.size() == 20);
    for (const auto& commit : commits) {
        CHECK(commit.thread == std::this_thread::get_id());
        CHECK(commit.games == 1);
    }
}

TEST_CASE("a file locked by another process is 'unavailable', then the store recovers") {
    ObservedStore observed(std::chrono::milliseconds(50));
    ForeignLock lock(observed.file.path());
    net::io_context loop;
    RecordOutcome refused, accepted;
    net::co_spawn(loop, post(observed.store, game(1), WorkPlacement::offload, refused),
                  net::detached);
    loop.run();
    CHECK(refused.kind == Kind::unavailable);
    CHECK(refused.message.find("locked") != std::string::npos);

    lock.release();
    loop.restart();
    net::co_spawn(loop, post(observed.store, game(1), WorkPlacement::offload, accepted),
                  net::detached);
    loop.run();
    REQUIRE(accepted.kind == Kind::created);
    CHECK(accepted.game.seq == 1); // the refused game left no trace
}

TEST_CASE("reads come back on the awaiting loop, offload and inline alike") {
    ObservedStore observed;
    net::io_context loop;
    RecordOutcome outcome;
    net::co_spawn(loop, post(observed.store, game(1), WorkPlacement::offload, outcome),
                  net::detached);
    loop.run();
    REQUIRE(outcome.kind == Kind::created);
    for (auto mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop}) {
        GamesRead found;
        std::thread::id resumed_on;
        net::co_spawn(loop, find(observed.store, mode, found, resumed_on), net::detached);
        loop.restart();
        loop.run();
        REQUIRE(found.games.size() == 1);
        CHECK(found.games[0] == outcome.game);
        CHECK(resumed_on == std::this_thread::get_id());
    }
}
