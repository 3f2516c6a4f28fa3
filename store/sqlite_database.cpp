#include "sqlite_database.hpp"

#include "starting_club_sql.hpp"

#include <array>

namespace ranking {
namespace {

// Migrations, index = the schema version they lead to. Append, never edit: a file of version N
// runs steps N+1.. at open, each in its own transaction.
// Version 2: a game no longer updates its two players' rows. Their values after it are in the
// game's own row already, and the two UPDATEs put a third of a game's pages in the WAL (two
// leaves of `players` besides the game's table and index leaves). A `players` row keeps what
// the roster gave; a player's current values are those after their last game, which
// `player_standings` reads through the two player indexes (what the server loads at open).
// Version 3: time between games counts (rating_time.hpp). Each side of a game keeps the t it was
// inflated by; `rating_time` keeps the periods a day and the first seq rated so (the games of an
// older file keep t = 0); a player's rated_at is the latest played_at of their games.
constexpr std::array<const char*, schema_version + 1> migrations{nullptr,
                                                                 R"sql(
CREATE TABLE players (
    name TEXT PRIMARY KEY NOT NULL,
    rating REAL NOT NULL,
    rd REAL NOT NULL,
    volatility REAL NOT NULL,
    games INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE games (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    result TEXT NOT NULL,
    played_at INTEGER NOT NULL,
    white TEXT NOT NULL REFERENCES players (name),
    white_rating_before REAL NOT NULL,
    white_rd_before REAL NOT NULL,
    white_volatility_before REAL NOT NULL,
    white_rating REAL NOT NULL,
    white_rd REAL NOT NULL,
    white_volatility REAL NOT NULL,
    white_rank INTEGER NOT NULL,
    white_games INTEGER NOT NULL,
    black TEXT NOT NULL REFERENCES players (name),
    black_rating_before REAL NOT NULL,
    black_rd_before REAL NOT NULL,
    black_volatility_before REAL NOT NULL,
    black_rating REAL NOT NULL,
    black_rd REAL NOT NULL,
    black_volatility REAL NOT NULL,
    black_rank INTEGER NOT NULL,
    black_games INTEGER NOT NULL
);
CREATE INDEX games_by_white ON games (white, seq);
CREATE INDEX games_by_black ON games (black, seq);
)sql",
                                                                 R"sql(
CREATE VIEW player_standings (name, rating, rd, volatility, games) AS
SELECT p.name,
       CASE WHEN g.seq IS NULL THEN p.rating WHEN g.white = p.name THEN g.white_rating
            ELSE g.black_rating END,
       CASE WHEN g.seq IS NULL THEN p.rd WHEN g.white = p.name THEN g.white_rd
            ELSE g.black_rd END,
       CASE WHEN g.seq IS NULL THEN p.volatility WHEN g.white = p.name THEN g.white_volatility
            ELSE g.black_volatility END,
       CASE WHEN g.seq IS NULL THEN p.games WHEN g.white = p.name THEN g.white_games
            ELSE g.black_games END
FROM players AS p
LEFT JOIN games AS g
    ON g.seq = max(coalesce((SELECT max(seq) FROM games WHERE white = p.name), 0),
                   coalesce((SELECT max(seq) FROM games WHERE black = p.name), 0));
)sql",
                                                                 R"sql(
ALTER TABLE games ADD COLUMN white_periods REAL NOT NULL DEFAULT 0;
ALTER TABLE games ADD COLUMN black_periods REAL NOT NULL DEFAULT 0;
CREATE TABLE rating_time (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    periods_per_day REAL NOT NULL,
    timed_from_seq INTEGER NOT NULL
);
INSERT INTO rating_time SELECT 1, 0, coalesce(max(seq), 0) + 1 FROM games;
DROP VIEW player_standings;
CREATE VIEW player_standings (name, rating, rd, volatility, games, rated_at) AS
SELECT p.name,
       CASE WHEN g.seq IS NULL THEN p.rating WHEN g.white = p.name THEN g.white_rating
            ELSE g.black_rating END,
       CASE WHEN g.seq IS NULL THEN p.rd WHEN g.white = p.name THEN g.white_rd
            ELSE g.black_rd END,
       CASE WHEN g.seq IS NULL THEN p.volatility WHEN g.white = p.name THEN g.white_volatility
            ELSE g.black_volatility END,
       CASE WHEN g.seq IS NULL THEN p.games WHEN g.white = p.name THEN g.white_games
            ELSE g.black_games END,
       (SELECT max(m) FROM (SELECT max(played_at) AS m FROM games WHERE white = p.name
                            UNION ALL SELECT max(played_at) FROM games WHERE black = p.name))
FROM players AS p
LEFT JOIN games AS g
    ON g.seq = max(coalesce((SELECT max(seq) FROM games WHERE white = p.name), 0),
                   coalesce((SELECT max(seq) FROM games WHERE black = p.name), 0));
)sql"};

#define GAME_COLUMNS                                                                               \
    "seq, id, result, played_at, white, white_rating_before, white_rd_before, "                    \
    "white_volatility_before, white_rating, white_rd, white_volatility, white_rank, white_games, " \
    "black, black_rating_before, black_rd_before, black_volatility_before, black_rating, "         \
    "black_rd, black_volatility, black_rank, black_games, white_periods, black_periods"

std::int64_t pragma_integer(const Connection& connection, const char* pragma) {
    Statement statement(connection, std::string("PRAGMA ") + pragma);
    return statement.step() ? statement.integer(0) : 0;
}

// The journal mode the file is in once WAL was asked for.
std::string switch_to_wal(const Connection& connection) {
    Statement statement(connection, "PRAGMA journal_mode = WAL");
    return statement.step() ? statement.text(0) : std::string();
}

// "ok", or every problem quick_check found (one row each), joined.
std::string quick_check(const Connection& connection) {
    Statement check(connection, "PRAGMA quick_check");
    std::string found;
    while (check.step()) {
        if (!found.empty()) found += "; ";
        found += check.text(0);
    }
    return found;
}

GameSide read_side(const Statement& row, int first) {
    return {row.text(first),
            {row.real(first + 1), row.real(first + 2), row.real(first + 3)},
            {row.real(first + 4), row.real(first + 5), row.real(first + 6)},
            static_cast<int>(row.integer(first + 7)),
            static_cast<int>(row.integer(first + 8))};
}

StoredGame read_game(const Statement& row) {
    StoredGame game;
    game.seq = row.integer(0);
    game.id = row.text(1);
    game.result = parse_game_result(row.text(2)).value_or(GameResult::draw);
    game.played_at_ms = row.integer(3);
    game.white = read_side(row, 4);
    game.black = read_side(row, 13);
    game.white.periods = row.real(22);
    game.black.periods = row.real(23);
    return game;
}

void bind_side(Statement& statement, int first, const GameSide& side) {
    statement.bind(first, side.player)
        .bind(first + 1, side.before.rating)
        .bind(first + 2, side.before.rd)
        .bind(first + 3, side.before.volatility)
        .bind(first + 4, side.after.rating)
        .bind(first + 5, side.after.rd)
        .bind(first + 6, side.after.volatility)
        .bind(first + 7, std::int64_t{side.rank})
        .bind(first + 8, std::int64_t{side.games});
}

} // namespace

struct SqliteDatabase::Statements {
    explicit Statements(const Connection& c)
        : begin(c, "BEGIN IMMEDIATE"), commit(c, "COMMIT"), rollback(c, "ROLLBACK"),
          game_by_id(c, "SELECT " GAME_COLUMNS " FROM games WHERE id = ?1"),
          insert_game(c, "INSERT INTO games (" GAME_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                         "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
                         "?21, ?22, ?23, ?24)"),
          // Two index range scans merged, rather than one OR that would sort the player's games.
          player_games(c, "SELECT * FROM (SELECT " GAME_COLUMNS " FROM games WHERE white = ?1 "
                          "AND seq < ?2 ORDER BY seq DESC LIMIT ?3) UNION ALL SELECT * FROM "
                          "(SELECT " GAME_COLUMNS " FROM games WHERE black = ?1 AND seq < ?2 "
                          "ORDER BY seq DESC LIMIT ?3) ORDER BY seq DESC LIMIT ?3"),
          games_after(c, "SELECT " GAME_COLUMNS " FROM games WHERE seq > ?1 ORDER BY seq "
                         "LIMIT ?2"),
          // player_games' two index range scans (?1 as white, then as black), each filtered on
          // the other player.
          games_between(c, "SELECT * FROM (SELECT " GAME_COLUMNS " FROM games WHERE white = ?1 "
                           "AND black = ?2 AND seq < ?3 ORDER BY seq DESC LIMIT ?4) UNION ALL "
                           "SELECT * FROM (SELECT " GAME_COLUMNS " FROM games WHERE white = ?2 "
                           "AND black = ?1 AND seq < ?3 ORDER BY seq DESC LIMIT ?4) ORDER BY seq "
                           "DESC LIMIT ?4"),
          // ?1's wins, draws and losses against ?2: one row, summed as the rows go by.
          tally_between(c, "SELECT coalesce(sum(w), 0), coalesce(sum(d), 0), coalesce(sum(l), 0) "
                           "FROM (SELECT result = '1-0' AS w, result = '1/2-1/2' AS d, result = "
                           "'0-1' AS l FROM games WHERE white = ?1 AND black = ?2 UNION ALL "
                           "SELECT result = '0-1', result = '1/2-1/2', result = '1-0' FROM games "
                           "WHERE white = ?2 AND black = ?1)") {}
#undef GAME_COLUMNS
    Statement begin, commit, rollback;
    Statement game_by_id, insert_game, player_games, games_after, games_between, tally_between;
};

SqliteDatabase::SqliteDatabase(const std::filesystem::path& file,
                               const std::function<std::vector<Player>()>& make_roster,
                               std::chrono::milliseconds busy_timeout,
                               std::optional<double> periods_per_day)
    : file_(file), connection_(file), write_failures_("SQLite write to " + file.string()) {
    const auto refuse = [&](const std::string& why) {
        throw std::runtime_error(file_.string() + ": " + why);
    };
    try {
        sqlite3_busy_timeout(connection_.handle(), static_cast<int>(busy_timeout.count()));
        open_schema(make_roster, periods_per_day);
        if (const auto check = quick_check(connection_); check != "ok")
            refuse("the database is corrupt (quick_check: " + check + ")");
        if (switch_to_wal(connection_) != "wal") refuse("cannot switch the database to WAL mode");
        connection_.execute("PRAGMA synchronous = FULL");
        statements_ = std::make_unique<Statements>(connection_);
        load(periods_per_day);
    } catch (const SqliteError& e) {
        if (e.code() == SQLITE_NOTADB || e.code() == SQLITE_CORRUPT)
            refuse(std::string("not a ranking database, or a corrupt one: ") + e.what());
        refuse(e.what());
    }
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::open_schema(const std::function<std::vector<Player>()>& make_roster,
                                 std::optional<double> periods_per_day) {
    const auto refuse = [&](const std::string& why) {
        throw std::runtime_error(file_.string() + ": " + why);
    };
    const auto version = pragma_integer(connection_, "user_version");
    const auto app = pragma_integer(connection_, "application_id");
    if (version == 0 && app == 0) {
        Statement tables(connection_, "SELECT count(*) FROM sqlite_schema");
        tables.step();
        if (tables.integer(0) != 0)
            refuse("not a ranking database (it holds another application's tables)");
    } else if (app != application_id) {
        refuse("not a ranking database (application_id " + std::to_string(app) + ")");
    }
    if (version > schema_version)
        refuse("written by a newer ranking-server (schema " + std::to_string(version) +
               "; this one knows up to " + std::to_string(schema_version) + ")");
    for (auto step = version + 1; step <= schema_version; ++step) {
        connection_.execute("BEGIN IMMEDIATE");
        try {
            connection_.execute(migrations[static_cast<std::size_t>(step)]);
            if (step == 1) {
                created_ = true;
                Statement insert(connection_, "INSERT INTO players (name, rating, rd, volatility, "
                                              "games) VALUES (?1, ?2, ?3, ?4, ?5)");
                for (const auto& p : make_roster()) {
                    Use use(insert);
                    use->bind(1, p.name).bind(2, p.rating).bind(3, p.rd).bind(4, p.volatility);
                    use->bind(5, std::int64_t{p.games}).run();
                }
            }
            if (step == 3) { // from now on, at the rate asked for
                Statement rate(connection_, "UPDATE rating_time SET periods_per_day = ?1");
                rate.bind(1, periods_per_day.value_or(default_rating_periods_per_day)).run();
            }
            connection_.execute(("PRAGMA application_id = " + std::to_string(application_id) +
                                 "; PRAGMA user_version = " + std::to_string(step))
                                    .c_str());
            connection_.execute("COMMIT");
        } catch (...) {
            connection_.execute("ROLLBACK");
            throw;
        }
    }
}

namespace {
std::vector<Player> read_players(const Connection& connection, const char* sql) {
    Statement players(connection, sql);
    std::vector<Player> read;
    while (players.step())
        read.push_back({players.text(0), players.real(1), players.real(2), players.real(3),
                        static_cast<int>(players.integer(4)),
                        players.is_null(5) ? std::nullopt : std::optional(players.integer(5))});
    return read;
}
} // namespace

std::vector<Player> SqliteDatabase::current_club() {
    return read_players(connection_, "SELECT name, rating, rd, volatility, games, rated_at FROM "
                                     "player_standings ORDER BY name");
}

void SqliteDatabase::begin_snapshot() {
    connection_.execute("BEGIN");
    // A deferred transaction takes its snapshot at its first read.
    Statement first(connection_, "SELECT count(*) FROM players");
    first.step();
}

std::vector<Player> SqliteDatabase::starting_club() {
    return read_players(
        connection_, "SELECT " STARTING_CLUB_COLUMNS ", NULL FROM players AS p LEFT JOIN games "
                     "AS g "
                     "ON g.seq = min(coalesce((SELECT min(seq) FROM games WHERE white = p.name), "
                     "1 << 62), coalesce((SELECT min(seq) FROM games WHERE black = p.name), "
                     "1 << 62)) ORDER BY p.name");
}

void SqliteDatabase::load(std::optional<double> periods_per_day) {
    players_at_open_ = current_club();
    if (players_at_open_.empty())
        throw std::runtime_error(file_.string() + ": the database holds no players");
    Statement time(connection_, "SELECT periods_per_day, timed_from_seq FROM rating_time");
    time.step();
    time_ = {time.real(0), time.integer(1)};
    if (auto refused = refuse_other_rate(time_, periods_per_day))
        throw std::runtime_error(file_.string() + ": " + *refused);
    Statement last(connection_, "SELECT coalesce(max(seq), 0) FROM games");
    last.step();
    last_seq_ = last.integer(0);
    committed_ = std::make_unique<Ranking>(players_at_open_);
}

std::vector<RecordOutcome> SqliteDatabase::record(std::span<const GameSubmission> games,
                                                  std::int64_t now_ms) {
    std::vector<RecordOutcome> outcomes;
    outcomes.reserve(games.size());
    const auto seq_before = last_seq_;
    std::vector<Player> touched; // values before the batch, to undo it in memory
    try {
        Use begin(statements_->begin);
        begin->run();
        for (const auto& game : games) {
            for (const auto* name : {&game.white, &game.black})
                if (auto before = committed_->player(*name)) touched.push_back(std::move(*before));
            outcomes.push_back(record_one(game, now_ms));
        }
        Use commit(statements_->commit);
        commit->run();
        write_failures_.succeeded();
        return outcomes;
    } catch (const SqliteError& e) {
        // The client gets a 503 and the server the message: the log says what failed (the
        // statement or the COMMIT, and why) for whoever must fix the disk or the lock.
        write_failures_.failed(e.what());
        if (!sqlite3_get_autocommit(connection_.handle())) {
            Use rollback(statements_->rollback);
            try {
                rollback->run();
            } catch (const SqliteError&) {
                // The transaction is gone already (SQLite rolls back by itself on some errors).
            }
        }
        for (auto it = touched.rbegin(); it != touched.rend(); ++it)
            committed_->reset(*it, 0);
        last_seq_ = seq_before;
        RecordOutcome failed{RecordOutcome::Kind::unavailable, {}, e.what()};
        return std::vector<RecordOutcome>(games.size(), failed);
    }
}

RecordOutcome SqliteDatabase::record_one(const GameSubmission& game, std::int64_t now_ms) {
    using Kind = RecordOutcome::Kind;
    {
        Use existing(statements_->game_by_id);
        if (existing->bind(1, game.id).step()) {
            auto stored = read_game(statements_->game_by_id);
            const auto kind = is_retry_of(game, stored) ? Kind::retried : Kind::conflict;
            return {kind, std::move(stored), {}};
        }
    }
    const auto white = committed_->player(game.white);
    const auto black = committed_->player(game.black);
    if (!white || !black) return {Kind::unknown_player, {}, !white ? game.white : game.black};

    const auto seq = ++last_seq_;
    const auto played_at = game.played_at_ms.value_or(now_ms);
    const double white_t = time_.periods(white->rated_at_ms, played_at, seq);
    const double black_t = time_.periods(black->rated_at_ms, played_at, seq);
    const auto rated = rate_game_in_time(white->glicko(), white_t, black->glicko(), black_t,
                                         white_score(game.result));
    committed_->apply(game.white, rated.white, white->games + 1, seq, played_at);
    committed_->apply(game.black, rated.black, black->games + 1, seq, played_at);
    StoredGame stored{game.id,
                      seq,
                      game.result,
                      played_at,
                      {game.white, white->glicko(), rated.white,
                       committed_->standing(game.white)->rank, white->games + 1, white_t},
                      {game.black, black->glicko(), rated.black,
                       committed_->standing(game.black)->rank, black->games + 1, black_t}};
    {
        Use insert(statements_->insert_game);
        insert->bind(1, stored.seq).bind(2, stored.id).bind(3, to_string(stored.result));
        insert->bind(4, stored.played_at_ms);
        bind_side(statements_->insert_game, 5, stored.white);
        bind_side(statements_->insert_game, 14, stored.black);
        insert->bind(23, stored.white.periods).bind(24, stored.black.periods);
        insert->run();
    }
    return {Kind::created, std::move(stored), {}};
}

GamesRead SqliteDatabase::read_games(Statement& statement) {
    GamesRead read;
    try {
        Use use(statement);
        while (statement.step())
            read.games.push_back(read_game(statement));
    } catch (const SqliteError& e) {
        read.games.clear();
        read.error = e.what();
    }
    return read;
}

GamesRead SqliteDatabase::find(const std::string& id) {
    statements_->game_by_id.bind(1, id);
    return read_games(statements_->game_by_id);
}

GamesRead SqliteDatabase::player_games(const std::string& player, std::size_t limit,
                                       std::optional<std::int64_t> before) {
    statements_->player_games.bind(1, player)
        .bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
        .bind(3, static_cast<std::int64_t>(limit));
    return read_games(statements_->player_games);
}

GamesRead SqliteDatabase::games_after(std::int64_t after, std::size_t limit) {
    statements_->games_after.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    return read_games(statements_->games_after);
}

// Two statements, one snapshot all the same: this connection is the file's only writer, and
// nothing writes between them (the caller has the connection to itself).
GamesRead SqliteDatabase::games_between(const std::string& player, const std::string& opponent,
                                        std::size_t limit, std::optional<std::int64_t> before) {
    statements_->games_between.bind(1, player)
        .bind(2, opponent)
        .bind(3, before.value_or(std::numeric_limits<std::int64_t>::max()))
        .bind(4, static_cast<std::int64_t>(limit));
    auto read = read_games(statements_->games_between);
    if (read.error) return read;
    try {
        Use use(statements_->tally_between);
        use->bind(1, player).bind(2, opponent);
        if (use->step())
            read.tally = HeadToHeadTally{use->integer(0), use->integer(1), use->integer(2)};
    } catch (const SqliteError& e) {
        read.games.clear();
        read.error = e.what();
    }
    return read;
}

void SqliteDatabase::set_read_only(bool read_only) {
    connection_.execute(read_only ? "PRAGMA query_only = ON" : "PRAGMA query_only = OFF");
}

} // namespace ranking
