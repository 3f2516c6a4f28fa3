#include "sqlite_game_store.hpp"

#include "unix_time.hpp"

#include <pthread.h>

namespace ranking {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

SqliteGameStore::SqliteGameStore(const SqliteStoreConfig& config,
                                 const std::function<std::vector<Player>()>& make_roster,
                                 StoreObserver observer)
    : config_(config), observer_(std::move(observer)),
      database_(config.file, make_roster, config.busy_timeout, config.periods_per_day),
      checkpointer_(config.file, database_.handle(), config.wal_pages),
      storage_thread_([this] { serve(); }) {
    storage_thread_ready_.wait();
}

SqliteGameStore::~SqliteGameStore() {
    {
        const std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    storage_thread_.join();
}

std::vector<RecordOutcome> SqliteGameStore::commit(std::span<const GameSubmission> games) {
    const auto start = std::chrono::steady_clock::now();
    const std::lock_guard lock(database_mutex_);
    auto outcomes = database_.record(games, unix_ms_now());
    if (observer_.committed) observer_.committed(games.size(), seconds_since(start));
    return outcomes;
}

net::awaitable<RecordOutcome> SqliteGameStore::record(GameSubmission game, WorkPlacement mode) {
    if (mode == WorkPlacement::inline_on_loop) { // the loop waits, for the checkpoint's end too
        auto outcome = commit({&game, 1}).front();
        finish_checkpoint();
        co_return outcome;
    }
    auto recording = hand_off<RecordOutcome>(
        [this, game = std::move(game)](Delivery<RecordOutcome> delivery) mutable {
            enqueue_game(std::move(game), std::move(delivery));
        });
    co_return co_await std::move(recording);
}

void SqliteGameStore::enqueue_game(GameSubmission game, Delivery<RecordOutcome> delivery) {
    bool queued = false, first = false;
    {
        const std::lock_guard lock(queue_mutex_);
        if (pending_games_.size() < config_.max_pending_games) {
            // Moved only when queued: a refused game's delivery is still here below.
            pending_games_.push_back({std::move(game), std::move(delivery)});
            queued = true;
            first = pending_games_.size() == 1;
        }
    }
    // Only the first game wakes the storage thread: with more queued it is committing, or
    // waiting out the commit spacing, and a wake per game would only cost the loop.
    if (first) wake_.notify_one();
    if (!queued)
        std::move(delivery).deliver(
            {RecordOutcome::Kind::overloaded, {}, "too many games waiting to be stored"});
}

net::awaitable<GamesRead> SqliteGameStore::read(ReadWork work, WorkPlacement mode) {
    if (mode == WorkPlacement::inline_on_loop) {
        const std::lock_guard lock(database_mutex_);
        co_return work(database_);
    }
    auto reading = hand_off<GamesRead>([this, &work](Delivery<GamesRead> delivery) {
        enqueue_read({std::move(work), std::move(delivery)});
    });
    co_return co_await std::move(reading);
}

void SqliteGameStore::enqueue_read(PendingRead read) {
    {
        const std::lock_guard lock(queue_mutex_);
        pending_reads_.push_back(std::move(read));
    }
    wake_.notify_one();
}

net::awaitable<GamesRead> SqliteGameStore::find(std::string id, WorkPlacement mode) {
    return read([id](SqliteDatabase& db) { return db.find(id); }, mode);
}

net::awaitable<GamesRead> SqliteGameStore::player_games(std::string player, std::size_t limit,
                                                        std::optional<std::int64_t> before,
                                                        WorkPlacement mode) {
    return read([player, limit,
                 before](SqliteDatabase& db) { return db.player_games(player, limit, before); },
                mode);
}

net::awaitable<GamesRead> SqliteGameStore::games_after(std::int64_t after, std::size_t limit,
                                                       WorkPlacement mode) {
    return read([after, limit](SqliteDatabase& db) { return db.games_after(after, limit); }, mode);
}

net::awaitable<GamesRead> SqliteGameStore::games_between(std::string player, std::string opponent,
                                                         std::size_t limit,
                                                         std::optional<std::int64_t> before,
                                                         WorkPlacement mode) {
    return read(
        [player, opponent, limit, before](SqliteDatabase& db) {
            return db.games_between(player, opponent, limit, before);
        },
        mode);
}

std::int64_t SqliteGameStore::last_seq() {
    const std::lock_guard lock(database_mutex_);
    return database_.last_seq();
}

void SqliteGameStore::finish_checkpoint() {
    const std::lock_guard lock(database_mutex_);
    checkpointer_.finish_if_long();
}

void SqliteGameStore::set_read_only(bool read_only) {
    const std::lock_guard lock(database_mutex_);
    database_.set_read_only(read_only);
}

void SqliteGameStore::serve() {
    ::pthread_setname_np(::pthread_self(), "sqlite-storage"); // for top -H, perf, and the tests
    if (config_.on_storage_thread) config_.on_storage_thread();
    storage_thread_ready_.count_down();
    std::unique_lock lock(queue_mutex_);
    for (;;) {
        wake_.wait(lock, [this] {
            return stopping_ || !pending_games_.empty() || !pending_reads_.empty();
        });
        if (pending_games_.empty() && pending_reads_.empty()) return; // stopping, all done
        if (pending_reads_.empty() && !stopping_) // only games: let more join, up to the spacing
            wake_.wait_until(lock, next_commit_,
                             [this] { return stopping_ || !pending_reads_.empty(); });
        // Due: every game queued since the last commit goes into this one, then every read.
        // Not yet: one read, then look again, so that reads do not hold the games past it.
        std::vector<PendingGame> games;
        std::deque<PendingRead> reads;
        if (stopping_ || std::chrono::steady_clock::now() >= next_commit_) {
            games = std::exchange(pending_games_, {});
            reads = std::exchange(pending_reads_, {});
        } else if (!pending_reads_.empty()) {
            reads.push_back(std::move(pending_reads_.front()));
            pending_reads_.pop_front();
        }
        lock.unlock();
        if (!games.empty()) commit_and_resume(games);
        for (auto& read : reads)
            answer(read);
        games.clear(); // what they hold is freed here, not under the lock the loop takes
        reads.clear();
        lock.lock();
    }
}

void SqliteGameStore::commit_and_resume(std::vector<PendingGame>& games) {
    next_commit_ = std::chrono::steady_clock::now() + config_.commit_spacing;
    std::vector<GameSubmission> batch;
    batch.reserve(games.size());
    for (auto& pending : games)
        batch.push_back(std::move(pending.game));
    auto outcomes = commit(batch);
    for (std::size_t i = 0; i < games.size(); ++i)
        std::move(games[i].delivery).deliver(std::move(outcomes[i]));
    finish_checkpoint(); // after the acks: they never wait for it
}

void SqliteGameStore::answer(PendingRead& read) {
    GamesRead result;
    {
        const std::lock_guard lock(database_mutex_);
        result = read.work(database_);
    }
    std::move(read.delivery).deliver(std::move(result));
}

} // namespace ranking
