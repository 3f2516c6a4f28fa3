#include "pg_follower.hpp"
#include "log.hpp"

#include "pg_database.hpp"

#include <algorithm>
#include <cstdio>

namespace ranking {

PgFollower::PgFollower(net::any_io_executor loop, std::string conninfo,
                       std::chrono::milliseconds first_retry, std::chrono::milliseconds max_retry,
                       StoreObserver observer, std::function<void()> on_back)
    : loop_(loop), first_retry_(first_retry), max_retry_(max_retry), observer_(std::move(observer)),
      on_back_(std::move(on_back)), listener_(loop, std::move(conninfo)), listen_backoff_(loop) {}

void PgFollower::follow(std::int64_t after, GameStore::FollowedGames games) {
    if (followed_) return; // once
    followed_seq_ = after;
    followed_ = std::move(games);
    // Runs on the loop for as long as the loop does: like the store's reconnect(), it is never
    // resumed once the loop stops, and its frame is destroyed with the loop (after the follower
    // and its store: it touches nothing of them then, see the header).
    net::co_spawn(loop_, listen(), net::detached);
}

void PgFollower::stop() {
    stopping_ = true;
    listen_backoff_.cancel(); // listen() returns, whether it waits to retry...
    listener_.close();        // ...or for the socket (the wait is aborted, listen() sees stopping_)
}

net::awaitable<void> PgFollower::listen() {
    auto delay = first_retry_;
    bool listened = false; // a connection listened before: say so when one does again
    for (int attempt = 1;; ++attempt) {
        std::string why;
        try {
            auto connecting = listener_.connect();
            co_await std::move(connecting);
            // append, not +: GCC 12 warns falsely (-Warray-bounds) about + inlined here.
            auto listening = listener_.query(std::string("LISTEN ").append(pg_games_channel));
            co_await std::move(listening);
            if (listened) {
                log_format(LogLevel::notice,
                           "ranking-server: PostgreSQL listener back (attempt %d); reading "
                           "the games after seq %lld\n",
                           attempt, static_cast<long long>(followed_seq_));
                if (on_back_) on_back_();
            }
            if (observer_.follower) observer_.follower(true);
            listened = true;
            attempt = 0; // from now on 0 means "was listening"
            delay = first_retry_;
            for (;;) {
                // Listening first, reading second: a game committed in between is read now and
                // notified as well (read again, harmless), never missed.
                auto catching_up = catch_up();
                co_await std::move(catching_up);
                auto waiting = listener_.notifications();
                co_await std::move(waiting);
            }
        } catch (const PgError& e) {
            why = e.what();
        }
        if (stopping_) co_return;
        // Lost, or not made: lookups keep what was applied; the next connection reads on from
        // followed_seq_.
        listener_.close();
        if (attempt == 1 && !listened)
            log_format(LogLevel::warning,
                       "ranking-server: PostgreSQL listener not started (%s); retrying\n",
                       why.c_str());
        if (attempt == 0) {
            log_format(LogLevel::warning,
                       "ranking-server: PostgreSQL listener lost (%s); other servers' games "
                       "wait until it is back\n",
                       why.c_str());
            if (observer_.follower) observer_.follower(false);
        }
        listen_backoff_.expires_after(delay);
        auto [ec] = co_await listen_backoff_.async_wait(use_nothrow);
        if (ec) co_return; // cancelled: the follower is going away, touch nothing
        delay = std::min(delay * 2, max_retry_);
    }
}

net::awaitable<void> PgFollower::catch_up() {
    constexpr std::size_t page = 1'000;
    for (;;) {
        auto reading = read_pg_games({listener_, false}, GamesAfter{followed_seq_, page});
        const auto games = co_await std::move(reading);
        if (games.empty()) co_return;
        followed_seq_ = games.back().seq;
        followed_(games);
        if (observer_.followed) observer_.followed(games.size());
        if (games.size() < page) co_return;
    }
}

} // namespace ranking
