#pragma once
// What the routes await: record a game durably, read games back. One interface, one backend per
// database: SQLite on a storage thread (sqlite_game_store.hpp), PostgreSQL on the loop itself
// through libpq's non-blocking API (pg_game_store.hpp).
//
// `mode` is the lesson's switch: offload runs the database work away from the loop (a storage
// thread for a blocking driver), inline runs the very same calls on the loop thread, one
// transaction per game, and every other connection waits for them.
#include "club.hpp"
#include "game.hpp"
#include "mode.hpp"
#include "net.hpp"
#include "rating_time.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

struct RecordOutcome {
    enum class Kind {
        created,        // durable: committed and fsynced; `game` is what was stored
        retried,        // the same id and content again: `game` is the original, nothing counted
        conflict,       // the id is taken by another game: `game` is that one
        unknown_player, // `message` names the player; nothing written
        unavailable,    // the store cannot write now (read-only, full, locked): `message` says why
        overloaded,     // too many games waiting for the storage thread: nothing written
    };
    Kind kind = Kind::unavailable;
    StoredGame game;
    std::string message;
};

// One player's results against another over all their games (GameStore::games_between).
struct HeadToHeadTally {
    std::int64_t wins = 0;
    std::int64_t draws = 0;
    std::int64_t losses = 0;
};

// Games read back, or why they could not be.
struct GamesRead {
    std::vector<StoredGame> games;
    std::optional<std::string> error;
    std::optional<HeadToHeadTally> tally = std::nullopt; // games_between only
};

class GameStore {
public:
    virtual ~GameStore() = default;

    virtual net::awaitable<RecordOutcome> record(GameSubmission game, WorkPlacement mode) = 0;

    // Reads: one game by id (none or one), a player's games newest first (seq < before), and
    // the export in commit order (seq > after).
    virtual net::awaitable<GamesRead> find(std::string id, WorkPlacement mode) = 0;
    virtual net::awaitable<GamesRead> player_games(std::string player, std::size_t limit,
                                                   std::optional<std::int64_t> before,
                                                   WorkPlacement mode) = 0;
    virtual net::awaitable<GamesRead> games_after(std::int64_t after, std::size_t limit,
                                                  WorkPlacement mode) = 0;
    // The games of `player` against `opponent`, in either colour, newest first (seq < before),
    // and `tally`: player's wins, draws and losses over ALL of them, counted by the database in
    // the same read (one aggregate, so the counts cost no memory however many games there are,
    // and they agree with the page: one snapshot).
    virtual net::awaitable<GamesRead> games_between(std::string player, std::string opponent,
                                                    std::size_t limit,
                                                    std::optional<std::int64_t> before,
                                                    WorkPlacement mode) = 0;

    // The club as stored when the store was opened: players with their values and game counts.
    virtual const std::vector<Player>& players_at_open() const = 0;
    // How the club's games count the time between them, as its database keeps it (a store
    // that keeps none: the default).
    virtual RatingTime rating_time() const { return {}; }

    // Games other writers of the same database commit, from seq `after` on (the last seq the
    // caller applied), in commit order: `games` is called on the store's loop with each batch
    // read, and may see the caller's own games again. Call once. A store with one writer (SQLite)
    // has nothing to follow and does nothing.
    using FollowedGames = std::function<void(const std::vector<StoredGame>& games)>;
    virtual void follow(std::int64_t after, FollowedGames games) {
        (void)after;
        (void)games;
    }
    // The server is stopping: end what the store keeps waiting on its loop by itself (following,
    // reconnecting), so that the loop runs out of work once the last answer is out.
    virtual void stop_background_work() {}
    // Loop thread: whether a game sent now could be stored (a networked store's connection is
    // up). A file store is always available; its errors are per call.
    virtual bool available() const { return true; }
};

// Tallies for metrics and logs; called on whichever thread committed or noticed.
struct StoreObserver {
    std::function<void(std::size_t games, double commit_seconds)> committed = {};
    // A networked store lost (false) or regained (true) its database connection.
    std::function<void(bool connected)> connection = {};
    // The connection that follows other writers' games (GameStore::follow) was lost (false) or
    // is listening again (true); `games` read from it, after each notification or (re)connection.
    std::function<void(bool listening)> follower = {};
    std::function<void(std::size_t games)> followed = {};
};

} // namespace ranking
