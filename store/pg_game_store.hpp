#pragma once
// PostgreSQL behind the GameStore interface, with no thread at all. Offload mode: the loop
// itself sends the statements and awaits the answers on the connection's socket (libpq
// non-blocking, pg_connection.hpp); games that arrive while a transaction is in flight go
// together into the next one (group commit). Inline mode: the very same statements through
// libpq's blocking calls on the loop thread, one transaction per game: the mistake made visible.
//
// When the connection is lost, `record` answers `unavailable` and reads an error at once while
// the store reconnects by itself with backoff (logged, and told to the observer). A game is
// `created` only once COMMIT has returned, so nothing acknowledged is lost with a connection.
//
// Other servers writing to the same database: every transaction rates from locked rows (see
// pg_database.hpp), so ratings stay right. `follow` reads their games through a PgFollower
// (pg_follower.hpp); when its connection comes back after a loss, the database may have
// restarted, so the store then checks its own idle connections.
//
// Threads: none of its own. Call it from the thread that runs `loop` (its queues and connections
// have no lock). Lifetime: every coroutine the store starts runs on `loop`; destroy the store
// only when that loop no longer runs (RankingServer declares the loop first, so it outlives it).
#include "failure_log.hpp"
#include "game_store.hpp"
#include "hand_off.hpp"
#include "pg_connection.hpp"
#include "pg_database.hpp"
#include "pg_follower.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>

namespace ranking {

struct PgStoreConfig {
    std::string conninfo;                   // any libpq connection string or URI
    std::size_t max_pending_games = 10'000; // queued past this: `overloaded`
    std::size_t max_batch = 1'000;          // games per transaction
    std::chrono::milliseconds first_retry{100}, max_retry{5'000}; // reconnect backoff
    std::optional<double> periods_per_day = std::nullopt;         // see open_pg_database()
};

// True for what selects PostgreSQL on the command line: a postgres(ql):// URI or a libpq
// key=value string.
bool is_pg_conninfo(std::string_view db);

class PgGameStore final : public GameStore {
public:
    // Blocking, before the loop runs: connects, creates or migrates the schema, writes the club
    // `make_roster()` returns into an empty database, loads the players. Throws
    // std::runtime_error when the database is unreachable, foreign or newer.
    PgGameStore(net::any_io_executor loop, const PgStoreConfig& config,
                const std::function<std::vector<Player>()>& make_roster,
                StoreObserver observer = {});

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
    const std::vector<Player>& players_at_open() const override { return club_.players; }
    RatingTime rating_time() const override { return club_.time; }
    void follow(std::int64_t after, FollowedGames games) override;
    void stop_background_work() override;
    bool available() const override { return online_.connected(); }

    bool created() const noexcept { return club_.created; }
    std::int64_t last_seq_at_open() const noexcept { return club_.last_seq; }
    bool connected() const noexcept { return online_.connected(); }
    std::string database() const { return blocking_.database(); } // its name, for messages

private:
    struct PendingGame {
        GameSubmission game;
        Delivery<RecordOutcome> delivery;
    };
    struct PendingRead {
        GamesQuery query;
        Delivery<GamesRead> delivery;
    };

    net::awaitable<GamesRead> read(GamesQuery query, WorkPlacement mode);
    // Inline mode: once offloaded work has settled, the blocking twin on the loop thread.
    net::awaitable<GamesRead> read_inline(GamesQuery query);
    net::awaitable<RecordOutcome> record_inline(GameSubmission game);
    net::awaitable<void> offload_settled();
    void wake_worker();
    net::awaitable<void> work();         // offload: drains the queues on the loop
    net::awaitable<void> commit_batch(); // one group commit from pending_games_
    net::awaitable<void> reconnect();    // offload connection, with backoff
    void lose(const std::string& why);   // fails what waits, starts reconnect()
    std::optional<std::string> connect_blocking_if_needed(); // why it could not
    void check_idle_connections(); // after the follower's connection came back from a loss

    const PgStoreConfig config_;
    StoreObserver observer_;
    net::any_io_executor loop_;
    // Two connections, both used on the loop thread only: one awaited (offload), one blocking
    // (inline). One statement at a time each, so a mode switch never interleaves them.
    PgConnection online_;
    PgConnection blocking_;
    PgFollower follower_;   // a third connection, its own (see pg_follower.hpp)
    bool stopping_ = false; // stop_background_work() was called
    PgClub club_;

    std::vector<PendingGame> pending_games_;
    std::deque<PendingRead> pending_reads_;
    bool working_ = false;      // work() is running
    bool reconnecting_ = false; // reconnect() is running
    net::steady_timer backoff_;
    net::steady_timer worker_idle_; // never expires: cancelled when work() returns
    // Failed writes, logged (throttled) with the statement that failed and why, for whoever
    // must fix the database: a client's 503 says nothing of it.
    FailureLog write_failures_{"PostgreSQL write"};
};

} // namespace ranking
