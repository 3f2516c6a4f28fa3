#include "pg_game_store.hpp"
#include "log.hpp"

#include "unix_time.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace ranking {
namespace {

using Kind = RecordOutcome::Kind;

constexpr const char* connection_lost = "lost the connection to PostgreSQL; reconnecting";

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

bool is_pg_conninfo(std::string_view db) {
    return db.starts_with("postgresql://") || db.starts_with("postgres://") ||
           db.find('=') != std::string_view::npos;
}

PgGameStore::PgGameStore(net::any_io_executor loop, const PgStoreConfig& config,
                         const std::function<std::vector<Player>()>& make_roster,
                         StoreObserver observer)
    : config_(config), observer_(std::move(observer)), loop_(loop), online_(loop, config.conninfo),
      blocking_(loop, config.conninfo),
      follower_(loop, config.conninfo, config.first_retry, config.max_retry, observer_,
                [this] { check_idle_connections(); }),
      backoff_(loop), worker_idle_(loop, net::steady_timer::time_point::max()) {
    try {
        blocking_.connect_blocking();
        club_ = open_pg_database(blocking_, make_roster, config.periods_per_day);
        online_.connect_blocking(); // at start the loop does not run yet: waiting is fine
    } catch (const PgError& e) {
        throw std::runtime_error(std::string("PostgreSQL: ") + e.what());
    }
}

net::awaitable<RecordOutcome> PgGameStore::record(GameSubmission game, WorkPlacement mode) {
    if (mode == WorkPlacement::inline_on_loop) {
        auto recording = record_inline(std::move(game));
        co_return co_await std::move(recording);
    }
    if (!online_.connected()) co_return RecordOutcome{Kind::unavailable, {}, connection_lost};
    if (pending_games_.size() >= config_.max_pending_games)
        co_return RecordOutcome{Kind::overloaded, {}, "too many games waiting to be stored"};
    auto recording = hand_off<RecordOutcome>([this, &game](Delivery<RecordOutcome> delivery) {
        pending_games_.push_back({std::move(game), std::move(delivery)});
        wake_worker();
    });
    co_return co_await std::move(recording);
}

// Switched to inline while offloaded work is in flight: its transaction may hold rows that the
// blocking call would wait for, and it can only finish while the loop runs. Let it finish first
// (without this, the loop would wait for itself).
net::awaitable<void> PgGameStore::offload_settled() {
    while (working_)
        co_await worker_idle_.async_wait(use_nothrow);
}

std::optional<std::string> PgGameStore::connect_blocking_if_needed() {
    if (blocking_.connected()) return std::nullopt;
    try {
        blocking_.connect_blocking(); // inline mode: the loop waits for this too, by design
        return std::nullopt;
    } catch (const PgError& e) {
        return e.what(); // "connecting: ..." says what could not be done
    }
}

net::awaitable<RecordOutcome> PgGameStore::record_inline(GameSubmission game) {
    auto settling = offload_settled();
    co_await std::move(settling);
    if (auto cannot = connect_blocking_if_needed()) {
        write_failures_.failed(*cannot);
        co_return RecordOutcome{Kind::unavailable, {}, std::move(*cannot)};
    }
    const auto start = std::chrono::steady_clock::now();
    std::string why;
    try {
        // A blocking session never suspends: the whole transaction runs on the loop thread.
        auto recording =
            record_pg_games({blocking_, true}, {std::move(game)}, unix_ms_now(), club_.time);
        auto outcomes = co_await std::move(recording);
        write_failures_.succeeded();
        if (observer_.committed) observer_.committed(1, seconds_since(start));
        co_return std::move(outcomes.front());
    } catch (const PgError& e) {
        why = e.what();
    }
    write_failures_.failed(why);
    co_return RecordOutcome{Kind::unavailable, {}, why};
}

net::awaitable<GamesRead> PgGameStore::find(std::string id, WorkPlacement mode) {
    return read(FindGame{std::move(id)}, mode);
}

net::awaitable<GamesRead> PgGameStore::player_games(std::string player, std::size_t limit,
                                                    std::optional<std::int64_t> before,
                                                    WorkPlacement mode) {
    return read(PlayerGames{std::move(player), limit, before}, mode);
}

net::awaitable<GamesRead> PgGameStore::games_after(std::int64_t after, std::size_t limit,
                                                   WorkPlacement mode) {
    return read(GamesAfter{after, limit}, mode);
}

net::awaitable<GamesRead> PgGameStore::games_between(std::string player, std::string opponent,
                                                     std::size_t limit,
                                                     std::optional<std::int64_t> before,
                                                     WorkPlacement mode) {
    return read(GamesBetween{std::move(player), std::move(opponent), limit, before}, mode);
}

net::awaitable<GamesRead> PgGameStore::read(GamesQuery query, WorkPlacement mode) {
    if (mode == WorkPlacement::inline_on_loop) {
        auto reading = read_inline(std::move(query));
        co_return co_await std::move(reading);
    }
    if (!online_.connected()) co_return GamesRead{{}, connection_lost};
    auto reading = hand_off<GamesRead>([this, &query](Delivery<GamesRead> delivery) {
        pending_reads_.push_back({std::move(query), std::move(delivery)});
        wake_worker();
    });
    co_return co_await std::move(reading);
}

net::awaitable<GamesRead> PgGameStore::read_inline(GamesQuery query) {
    auto settling = offload_settled();
    co_await std::move(settling);
    GamesRead read;
    if (auto cannot = connect_blocking_if_needed()) {
        read.error = std::move(cannot);
        co_return read;
    }
    try {
        auto reading = read_pg_games_and_tally({blocking_, true}, std::move(query));
        read = co_await std::move(reading);
    } catch (const PgError& e) {
        read.error = e.what();
    }
    co_return read;
}

void PgGameStore::wake_worker() {
    if (working_) return; // it takes the new work on its next round
    working_ = true;
    // Posted, not started here: the records already queued on the loop join the first batch.
    net::post(loop_, [this] { net::co_spawn(loop_, work(), net::detached); });
}

net::awaitable<void> PgGameStore::work() {
    while (online_.connected() && (!pending_games_.empty() || !pending_reads_.empty())) {
        if (!pending_games_.empty()) {
            auto committing = commit_batch();
            co_await std::move(committing);
        }
        auto reads = std::exchange(pending_reads_, {});
        for (auto& pending : reads) {
            GamesRead read;
            bool lost = !online_.connected();
            if (lost) {
                read.error = connection_lost;
            } else {
                try {
                    auto reading =
                        read_pg_games_and_tally({online_, false}, std::move(pending.query));
                    read = co_await std::move(reading);
                } catch (const std::exception& e) { // libpq's errors, and any other: answered
                    read.error = e.what();
                    lost = !online_.connected();
                }
            }
            std::move(pending.delivery).deliver(std::move(read));
            if (lost) lose(*read.error);
        }
    }
    working_ = false;
    worker_idle_.cancel(); // wakes inline calls waiting in offload_settled()
}

net::awaitable<void> PgGameStore::commit_batch() {
    // Everything that queued up during the last transaction goes into this one.
    const auto take = std::min(pending_games_.size(), config_.max_batch);
    std::vector<PendingGame> batch(std::make_move_iterator(pending_games_.begin()),
                                   std::make_move_iterator(pending_games_.begin() + take));
    pending_games_.erase(pending_games_.begin(), pending_games_.begin() + take);
    std::vector<GameSubmission> games;
    for (const auto& pending : batch)
        games.push_back(pending.game);

    const auto start = std::chrono::steady_clock::now();
    std::vector<RecordOutcome> outcomes;
    std::optional<std::string> failed; // why
    try {
        auto recording =
            record_pg_games({online_, false}, std::move(games), unix_ms_now(), club_.time);
        outcomes = co_await std::move(recording);
    } catch (const std::exception& e) { // every game of the batch is answered, whatever failed
        failed = e.what();
    }
    if (failed) {
        write_failures_.failed(*failed);
        outcomes.assign(batch.size(), {Kind::unavailable, {}, *failed});
    } else {
        write_failures_.succeeded();
        if (observer_.committed) observer_.committed(batch.size(), seconds_since(start));
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        std::move(batch[i].delivery).deliver(std::move(outcomes[i]));
    if (failed && !online_.connected()) lose(*failed);
}

void PgGameStore::lose(const std::string& why) {
    if (reconnecting_) return;
    reconnecting_ = true;
    log_format(LogLevel::warning, "ranking-server: PostgreSQL connection lost (%s); reconnecting\n",
               why.c_str());
    online_.close();
    if (observer_.connection) observer_.connection(false);
    // Nothing waiting was sent: it fails now rather than wait for a reconnection.
    for (auto& pending : std::exchange(pending_games_, {}))
        std::move(pending.delivery).deliver({Kind::unavailable, {}, connection_lost});
    for (auto& pending : std::exchange(pending_reads_, {}))
        std::move(pending.delivery).deliver({{}, connection_lost});
    net::co_spawn(loop_, reconnect(), net::detached);
}

net::awaitable<void> PgGameStore::reconnect() {
    auto delay = config_.first_retry;
    for (int attempt = 1;; ++attempt) {
        if (stopping_) co_return; // the server stops: nothing more to write
        backoff_.expires_after(delay);
        auto [ec] = co_await backoff_.async_wait(use_nothrow);
        if (ec) co_return; // cancelled: the store is going away, touch nothing
        bool back = true;
        try {
            auto connecting = online_.connect();
            co_await std::move(connecting);
        } catch (const PgError&) {
            back = false;
        }
        if (back) {
            log_format(LogLevel::notice,
                       "ranking-server: PostgreSQL connection back (attempt %d)\n", attempt);
            reconnecting_ = false;
            if (observer_.connection) observer_.connection(true);
            co_return;
        }
        delay = std::min(delay * 2, config_.max_retry);
    }
}

void PgGameStore::follow(std::int64_t after, FollowedGames games) {
    follower_.follow(after, std::move(games));
}

void PgGameStore::stop_background_work() {
    stopping_ = true;
    backoff_.cancel(); // reconnect() returns
    follower_.stop();
}

// The listener was lost, so the database may have restarted under the other connections too;
// if they sat idle meanwhile they do not know yet, and the next game or read through them would
// fail. Ask them now: only when idle (no statement of theirs in flight can be disturbed).
void PgGameStore::check_idle_connections() {
    if (!working_ && !reconnecting_ && online_.connected() && !online_.alive())
        lose("closed by the server while idle");
    // A blocking statement never outlasts its call, so this one is always idle here; closed
    // when dead, it is connected again on its next use.
    if (blocking_.connected()) blocking_.alive();
}

} // namespace ranking
