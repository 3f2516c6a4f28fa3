#include "club_verify.hpp"

#include "club_replay.hpp"
#include "pg_database.hpp"
#include "pg_game_store.hpp"
#include "sqlite_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <memory>

namespace ranking {
namespace {

// One database, read as a replay needs it. Throws std::exception when it cannot be read.
class StoredClub {
public:
    virtual ~StoredClub() = default;
    virtual RatingTime rating_time() = 0;
    virtual std::int64_t last_seq() = 0; // as it opened: the progress line's total
    virtual std::vector<Player> starting_club() = 0;
    virtual std::vector<Player> current_club() = 0;
    virtual std::vector<StoredGame> games_after(std::int64_t after, std::size_t limit) = 0;
};

std::vector<Player> no_roster() {
    throw std::runtime_error("the database holds no club to verify");
}

class SqliteClub final : public StoredClub {
public:
    SqliteClub(const std::filesystem::path& file, std::optional<double> periods_per_day)
        : db_((exists(file) ? file : throw std::runtime_error("no database at " + file.string())),
              no_roster, std::chrono::seconds(5), periods_per_day) {
        db_.begin_snapshot();
    }
    RatingTime rating_time() override { return db_.rating_time(); }
    std::int64_t last_seq() override { return db_.last_seq(); }
    std::vector<Player> starting_club() override { return db_.starting_club(); }
    std::vector<Player> current_club() override { return db_.current_club(); }
    std::vector<StoredGame> games_after(std::int64_t after, std::size_t limit) override {
        auto read = db_.games_after(after, limit);
        if (read.error) throw std::runtime_error(*read.error);
        return std::move(read.games);
    }

private:
    SqliteDatabase db_;
};

class PgClubSource final : public StoredClub {
public:
    PgClubSource(const std::string& conninfo, std::optional<double> periods_per_day)
        : connection_(io_.get_executor(), conninfo) {
        connection_.connect_blocking();
        club_ = open_pg_database(connection_, no_roster, periods_per_day);
        // One snapshot for every read that follows; never committed: nothing is written.
        connection_.query_blocking("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
    RatingTime rating_time() override { return club_.time; }
    std::int64_t last_seq() override { return club_.last_seq; }
    std::vector<Player> starting_club() override { return read_pg_starting_club(connection_); }
    std::vector<Player> current_club() override { return read_pg_current_club(connection_); }
    std::vector<StoredGame> games_after(std::int64_t after, std::size_t limit) override {
        // A blocking session's coroutine never suspends: run() returns once it is done.
        std::vector<StoredGame> games;
        std::exception_ptr failed;
        net::co_spawn(io_, read_pg_games({connection_, true}, GamesAfter{after, limit}),
                      [&](std::exception_ptr e, std::vector<StoredGame> read) {
                          failed = e;
                          games = std::move(read);
                      });
        io_.restart();
        io_.run();
        if (failed) std::rethrow_exception(failed);
        return games;
    }

private:
    net::io_context io_;
    PgConnection connection_;
    PgClub club_;
};

// Replays every game of the snapshot, then compares the club as the snapshot has it.
std::string first_difference(StoredClub& store, ClubReplay& replay, const VerifyProgress& progress,
                             std::size_t page) {
    const auto total = store.last_seq();
    auto last_told = std::chrono::steady_clock::now();
    std::int64_t after = 0;
    for (auto games = store.games_after(after, page); !games.empty();
         games = store.games_after(after, page)) {
        for (const auto& game : games)
            if (auto difference = replay.check(game)) return *difference;
        after = games.back().seq;
        if (const auto now = std::chrono::steady_clock::now();
            progress && now - last_told >= std::chrono::seconds(1)) {
            progress(after, total);
            last_told = now;
        }
    }
    if (progress) progress(after, total);
    return replay.check_final(store.current_club()).value_or("");
}

} // namespace

VerifyReport verify_club(const std::string& database, std::optional<double> periods_per_day,
                         const VerifyProgress& progress, std::size_t page) {
    const auto started = std::chrono::steady_clock::now();
    VerifyReport report;
    try {
        std::unique_ptr<StoredClub> store;
        if (is_pg_conninfo(database))
            store = std::make_unique<PgClubSource>(database, periods_per_day);
        else
            store = std::make_unique<SqliteClub>(database, periods_per_day);
        ClubReplay replay(store->starting_club(), store->rating_time());
        report.difference = first_difference(*store, replay, progress, page);
        report.games = replay.games_checked();
        report.passed = report.difference.empty();
    } catch (const std::exception& e) {
        report.read = false;
        report.difference = std::string("cannot read the store: ") + e.what();
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace ranking
