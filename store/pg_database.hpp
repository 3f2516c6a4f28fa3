#pragma once
// The club's games and ratings in PostgreSQL: the schema (versioned in ranking_meta, with a
// migration path), the transaction that records games, and the reads. SQL and arithmetic only:
// which connection, which mode and when is pg_game_store.hpp's business.
//
// Several servers may write to one database at once, so a transaction never trusts a local
// copy: it locks the players' rows (SELECT ... FOR UPDATE, by name: one order for everyone, no
// deadlocks), rates from the locked values, and takes its seqs from the counter row in
// ranking_meta, locked last and held until COMMIT, so seqs follow commit order with no holes.
// Ranks are counted once that row is held: every earlier commit is visible then, so a game's
// `rank` is the player's place right after it in the commit order, as with SQLite.
#include "game_store.hpp"
#include "pg_connection.hpp"

#include <functional>
#include <span>
#include <variant>

namespace ranking {

inline constexpr int pg_schema_version = 2;

// Every transaction that stores games notifies this channel at COMMIT, with its last seq as the
// payload: a server LISTENing on it then reads `games after the last seq it applied`.
inline constexpr const char* pg_games_channel = "ranking_games";

// Where a statement runs: awaited on the loop (offload) or blocking the calling thread (inline).
// The same transaction code serves both; a blocking session's coroutines never suspend.
struct PgSession {
    PgConnection& connection;
    bool blocking = false;
    // Owns its arguments: the awaitable starts only when awaited.
    net::awaitable<PgResult> query(std::string sql, std::vector<std::string> params = {});
};

struct PgClub {
    bool created = false; // the database was empty and got the roster
    std::vector<Player> players;
    std::int64_t last_seq = 0; // of the last game `players` include (one snapshot for both)
    RatingTime time;
};

// Blocking, at start: creates or migrates the schema (under an advisory lock, so that servers
// starting together do it once), writes the roster into an empty database, loads the club.
// Throws std::runtime_error for a foreign database, one of a newer schema, or `periods_per_day`
// other than the one the database rates with (none: the database's; a new or migrated one:
// this, or the default).
PgClub open_pg_database(PgConnection& connection,
                        const std::function<std::vector<Player>()>& make_roster,
                        std::optional<double> periods_per_day = std::nullopt);

// One transaction for all of `games`, in order (a game sees those before it: the same id twice
// is a retry). Throws PgError when the transaction fails; nothing of it stays then.
net::awaitable<std::vector<RecordOutcome>> record_pg_games(PgSession session,
                                                           std::vector<GameSubmission> games,
                                                           std::int64_t now_ms, RatingTime time);

struct FindGame {
    std::string id;
};
struct PlayerGames {
    std::string player;
    std::size_t limit = 20;
    std::optional<std::int64_t> before;
};
struct GamesAfter {
    std::int64_t after = 0;
    std::size_t limit = 100;
};
struct GamesBetween { // a page of their games, and player's tally over all of them
    std::string player;
    std::string opponent;
    std::size_t limit = 100;
    std::optional<std::int64_t> before;
};
using GamesQuery = std::variant<FindGame, PlayerGames, GamesAfter, GamesBetween>;

// Throws PgError.
net::awaitable<std::vector<StoredGame>> read_pg_games(PgSession session, GamesQuery query);
// The same read with, for GamesBetween, the tally (one statement: one snapshot). Throws PgError:
// the read's `error` stays empty.
net::awaitable<GamesRead> read_pg_games_and_tally(PgSession session, GamesQuery query);

// Blocking, for a replay (club_verify.hpp): each player as they stood before their first game
// (their first game's values before it; their row when they have none), and as they stand now.
// Throws PgError.
std::vector<Player> read_pg_starting_club(PgConnection& connection);
std::vector<Player> read_pg_current_club(PgConnection& connection);

} // namespace ranking
