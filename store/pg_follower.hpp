#pragma once
// Follows the games other servers write to the same database (PgGameStore::follow). Every
// transaction NOTIFYs pg_games_channel at COMMIT; the follower keeps a third connection
// LISTENing on it, on the loop like the store's two, and on each notification reads `games
// after the last seq it handed over` (commit order, no holes) on that same connection. When
// that connection is lost it reconnects with backoff, LISTENs again and then reads what it
// missed, so no game is skipped: LISTEN comes before the read.
//
// Its own connection: LISTEN and the reads of other servers' games, nothing else, so that a
// notification is never stuck behind a transaction (and a lost listener loses no game).
//
// Threads: none of its own; call it from the thread that runs `loop`. Lifetime: its coroutine
// runs on `loop`; destroy the follower only when that loop no longer runs (as its store).
#include "game_store.hpp"
#include "pg_connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ranking {

class PgFollower {
public:
    // Connects only once follow() is called. `observer` hears of the follower (`follower`,
    // `followed`); `on_back` runs on the loop whenever the connection listens again after a
    // loss, before the games it missed are read.
    PgFollower(net::any_io_executor loop, std::string conninfo,
               std::chrono::milliseconds first_retry, std::chrono::milliseconds max_retry,
               StoreObserver observer, std::function<void()> on_back);

    // Hands `games` every game after seq `after`, in seq order, from now on. Once: later calls
    // do nothing.
    void follow(std::int64_t after, GameStore::FollowedGames games);
    // Ends listen() whether it waits to retry or for a notification; it does not start again.
    void stop();

private:
    net::awaitable<void> listen(); // (re)connects, LISTENs, catches up, waits
    net::awaitable<void> catch_up();

    net::any_io_executor loop_;
    std::chrono::milliseconds first_retry_, max_retry_; // reconnect backoff
    StoreObserver observer_;
    std::function<void()> on_back_;
    PgConnection listener_;
    GameStore::FollowedGames followed_;
    std::int64_t followed_seq_ = 0; // the last seq handed to followed_
    bool stopping_ = false;         // stop() was called
    net::steady_timer listen_backoff_;
};

} // namespace ranking
