#pragma once
// The club's games and ratings in one SQLite file: WAL, synchronous=FULL (a commit returns once
// the WAL is fsynced), schema versioned with PRAGMA user_version and tagged with an
// application_id so a foreign file is refused. Blocking calls, no threads, no Asio: the caller
// decides where they run (sqlite_game_store.hpp) and uses one instance from one thread at a time.
#include "failure_log.hpp"
#include "game_store.hpp"
#include "ranking.hpp"
#include "rating_time.hpp"
#include "sqlite_statement.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>

namespace ranking {

inline constexpr int schema_version = 3;
inline constexpr std::int32_t application_id = 0x52414e4b; // "RANK"

class SqliteDatabase {
public:
    // Opens `file`, or creates it with the club `make_roster()` returns. Refuses (throws
    // std::runtime_error naming the file) a corrupt or foreign file, one of a newer schema, or
    // `periods_per_day` other than the one the file rates with (none: the file's; a new or
    // migrated file: this, or the default).
    SqliteDatabase(const std::filesystem::path& file,
                   const std::function<std::vector<Player>()>& make_roster,
                   std::chrono::milliseconds busy_timeout,
                   std::optional<double> periods_per_day = std::nullopt);
    ~SqliteDatabase();

    bool created() const noexcept { return created_; }
    const std::vector<Player>& players_at_open() const noexcept { return players_at_open_; }
    std::int64_t last_seq() const noexcept { return last_seq_; }
    const RatingTime& rating_time() const noexcept { return time_; }
    sqlite3* handle() const noexcept { return connection_.handle(); } // for a WalCheckpointer

    // One transaction for all of `games`, in order; a game may see those before it (the same
    // id twice is a retry). When the transaction fails nothing of it stays, in the file or in
    // memory, and every game gets `unavailable` with SQLite's message, which is also logged
    // (throttled: see FailureLog).
    std::vector<RecordOutcome> record(std::span<const GameSubmission> games, std::int64_t now_ms);

    GamesRead find(const std::string& id);
    GamesRead player_games(const std::string& player, std::size_t limit,
                           std::optional<std::int64_t> before);
    GamesRead games_after(std::int64_t after, std::size_t limit);
    // Their games newest first, and player's tally over all of them (GameStore::games_between).
    GamesRead games_between(const std::string& player, const std::string& opponent,
                            std::size_t limit, std::optional<std::int64_t> before);

    // PRAGMA query_only: the connection refuses every write, as a read-only reopen would.
    void set_read_only(bool read_only);

    // For a replay (club_verify.hpp): each player as they stood before their first game (their
    // first game's values before it; their row when they have none), and as they stand now.
    std::vector<Player> starting_club();
    std::vector<Player> current_club();
    // A read transaction: every read after it sees the file as it is now, whatever other
    // connections commit meanwhile. For a replay's own connection, which writes nothing.
    void begin_snapshot();

private:
    struct Statements;
    void open_schema(const std::function<std::vector<Player>()>& make_roster,
                     std::optional<double> periods_per_day);
    void load(std::optional<double> periods_per_day);
    RecordOutcome record_one(const GameSubmission& game, std::int64_t now_ms);
    GamesRead read_games(Statement& statement);

    std::filesystem::path file_;
    Connection connection_;
    std::unique_ptr<Statements> statements_;
    bool created_ = false;
    std::vector<Player> players_at_open_;
    // The club in commit order, for the values before each game and the rank after it; only
    // what a committed transaction wrote is kept (a failed one is undone here too).
    std::unique_ptr<Ranking> committed_;
    std::int64_t last_seq_ = 0;
    RatingTime time_;
    FailureLog write_failures_;
};

} // namespace ranking
