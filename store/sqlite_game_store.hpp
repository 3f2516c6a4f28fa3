#pragma once
// SQLite behind the GameStore interface. SQLite is a blocking driver, so in offload mode every
// call runs on one storage thread (a thread for a blocking call, as Python's run_in_executor)
// and the awaiting coroutine resumes on its own executor; games that arrive while a commit is in
// progress are committed together in the next transaction (group commit: one fsync for many games).
// In inline mode the very same calls run on the calling thread, the loop, one transaction per game.
// In both modes WAL checkpoints stay out of the commits (wal_checkpointer.hpp).
#include "game_store.hpp"
#include "hand_off.hpp"
#include "sqlite_database.hpp"
#include "wal_checkpointer.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>

namespace ranking {

struct SqliteStoreConfig {
    std::filesystem::path file = "ranking.db";
    std::chrono::milliseconds busy_timeout{1000}; // waiting for another process's lock
    std::size_t max_pending_games = 10'000;       // queued past this: `overloaded`
    WalPages wal_pages{};                         // when the WAL is checkpointed
    // Offload mode: a commit starts at most once per spacing; games that arrive in between wait
    // for the next one. A commit can be quicker than the gap between games, so without spacing
    // nearly every game would pay its own fsync; it is PostgreSQL's commit_delay, but paid only
    // when the previous commit was recent: a game that finds the last commit older than the
    // spacing is committed at once, and one within it waits at most the rest of it. Zero:
    // commit as soon as the last one ends.
    std::chrono::microseconds commit_spacing{1000};
    // Runs first on the storage thread: the server lowers its priority there, below the loop's,
    // so that a commit in progress never keeps the loop off a core it needs.
    std::function<void()> on_storage_thread = {};
    // How time between games counts: see SqliteDatabase (none: the file's own rate).
    std::optional<double> periods_per_day = std::nullopt;
};

class SqliteGameStore final : public GameStore {
public:
    SqliteGameStore(const SqliteStoreConfig& config,
                    const std::function<std::vector<Player>()>& make_roster,
                    StoreObserver observer = {});
    ~SqliteGameStore() override; // finishes the queued work, then joins the storage thread

    net::awaitable<RecordOutcome> record(GameSubmission game, WorkPlacement mode) override;
    net::awaitable<GamesRead> find(std::string id, WorkPlacement mode) override;
    net::awaitable<GamesRead> player_games(std::string player, std::size_t limit,
                                           std::optional<std::int64_t> before,
                                           WorkPlacement mode) override;
    net::awaitable<GamesRead> games_after(std::int64_t after, std::size_t limit,
                                          WorkPlacement mode) override;
    net::awaitable<GamesRead> games_between(std::string player, std::string opponent,
                                            std::size_t limit, std::optional<std::int64_t> before,
                                            WorkPlacement mode) override;
    const std::vector<Player>& players_at_open() const override {
        return database_.players_at_open();
    }
    RatingTime rating_time() const override { return database_.rating_time(); }

    bool created() const noexcept { return database_.created(); }
    std::int64_t last_seq();
    void set_read_only(bool read_only); // see SqliteDatabase::set_read_only (tests)
    int checkpoints() const { return checkpointer_.checkpoints(); }

private:
    struct PendingGame {
        GameSubmission game;
        Delivery<RecordOutcome> delivery;
    };

    using ReadWork = std::function<GamesRead(SqliteDatabase&)>;
    struct PendingRead {
        ReadWork work;
        Delivery<GamesRead> delivery;
    };

    net::awaitable<GamesRead> read(ReadWork work, WorkPlacement mode);
    void enqueue_game(GameSubmission game, Delivery<RecordOutcome> delivery);
    void enqueue_read(PendingRead read);
    std::vector<RecordOutcome> commit(std::span<const GameSubmission> games);
    void finish_checkpoint();                                // see WalCheckpointer::finish_if_long
    void serve();                                            // the storage thread
    void commit_and_resume(std::vector<PendingGame>& games); // storage thread: one transaction
    void answer(PendingRead& read);                          // storage thread: one read

    const SqliteStoreConfig config_;
    StoreObserver observer_;
    std::mutex database_mutex_; // one user of the connection at a time: storage thread or loop
    SqliteDatabase database_;
    WalCheckpointer checkpointer_; // after database_: unhooks its connection before it closes

    std::mutex queue_mutex_;
    std::condition_variable wake_;
    std::vector<PendingGame> pending_games_;
    std::deque<PendingRead> pending_reads_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point next_commit_{}; // storage thread only
    std::latch storage_thread_ready_{1}; // named and hooked: the constructor waits for it
    std::thread storage_thread_;         // last: starts once everything above exists
};

} // namespace ranking
