// PostgreSQL schema, migrations and the SQL of every store operation, each awaited over
// libpq's non-blocking API. Over 400 lines because the statements and the code that reads
// their results belong together: split, a reader would keep both files open.
#include "pg_database.hpp"

#include "ranking.hpp"
#include "starting_club_sql.hpp"

#include <array>
#include <limits>
#include <map>

namespace ranking {
namespace {

// Migrations, index = the schema version they lead to; each step is a list of statements run
// in the opening transaction. Append, never edit.
const std::array<std::vector<const char*>, pg_schema_version + 1> migrations{
    std::vector<const char*>{},
    std::vector<const char*>{
        R"sql(CREATE TABLE ranking_meta (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            schema_version integer NOT NULL,
            last_seq bigint NOT NULL))sql",
        R"sql(CREATE TABLE players (
            name text PRIMARY KEY,
            rating double precision NOT NULL,
            rd double precision NOT NULL,
            volatility double precision NOT NULL,
            games integer NOT NULL DEFAULT 0))sql",
        R"sql(CREATE TABLE games (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            result text NOT NULL,
            played_at bigint NOT NULL,
            white text NOT NULL REFERENCES players (name),
            white_rating_before double precision NOT NULL,
            white_rd_before double precision NOT NULL,
            white_volatility_before double precision NOT NULL,
            white_rating double precision NOT NULL,
            white_rd double precision NOT NULL,
            white_volatility double precision NOT NULL,
            white_rank integer NOT NULL,
            white_games integer NOT NULL,
            black text NOT NULL REFERENCES players (name),
            black_rating_before double precision NOT NULL,
            black_rd_before double precision NOT NULL,
            black_volatility_before double precision NOT NULL,
            black_rating double precision NOT NULL,
            black_rd double precision NOT NULL,
            black_volatility double precision NOT NULL,
            black_rank integer NOT NULL,
            black_games integer NOT NULL))sql",
        "CREATE INDEX games_by_white ON games (white, seq)",
        "CREATE INDEX games_by_black ON games (black, seq)",
        "INSERT INTO ranking_meta (schema_version, last_seq) VALUES (0, 0)",
    },
    // Version 2: time between games counts (rating_time.hpp). Each side of a game keeps the t
    // it was inflated by (the games before: 0), a player their rated_at, the meta row the
    // periods a day (set by the code that runs this) and the first seq rated so.
    std::vector<const char*>{
        "ALTER TABLE games ADD COLUMN white_periods double precision NOT NULL DEFAULT 0, "
        "ADD COLUMN black_periods double precision NOT NULL DEFAULT 0",
        "ALTER TABLE players ADD COLUMN rated_at bigint",
        "UPDATE players p SET rated_at = greatest((SELECT max(played_at) FROM games WHERE white "
        "= p.name), (SELECT max(played_at) FROM games WHERE black = p.name))",
        "ALTER TABLE ranking_meta ADD COLUMN periods_per_day double precision NOT NULL DEFAULT "
        "0, ADD COLUMN timed_from_seq bigint NOT NULL DEFAULT 1",
        "UPDATE ranking_meta SET timed_from_seq = last_seq + 1",
    },
};

constexpr std::int64_t schema_lock = 0x52414e4b; // "RANK": the advisory lock around migrations

#define GAME_COLUMNS                                                                               \
    "seq, id, result, played_at, white, white_rating_before, white_rd_before, "                    \
    "white_volatility_before, white_rating, white_rd, white_volatility, white_rank, white_games, " \
    "black, black_rating_before, black_rd_before, black_volatility_before, black_rating, "         \
    "black_rd, black_volatility, black_rank, black_games, white_periods, black_periods"

// The rounded rating ranks are computed from (club.hpp's rounded_rating), in SQL.
#define ROUNDED_RATING "greatest(0, least(3999, floor(rating + 0.5)))::integer"

// A PostgreSQL array literal ('{"a","b"}'), to send a whole batch as one parameter per column.
class PgArray {
public:
    PgArray& add(std::string_view text) {
        separate();
        text_ += '"';
        for (const char c : text) {
            if (c == '"' || c == '\\') text_ += '\\';
            text_ += c;
        }
        text_ += '"';
        return *this;
    }
    PgArray& add(double value) { return raw(pg_text(value)); }
    PgArray& add(std::int64_t value) { return raw(pg_text(value)); }
    PgArray& add(int value) { return raw(pg_text(std::int64_t{value})); }
    PgArray& null() { return raw("NULL"); }
    std::string text() const { return "{" + text_ + "}"; }

private:
    PgArray& raw(const std::string& element) {
        separate();
        text_ += element;
        return *this;
    }
    void separate() {
        if (!text_.empty()) text_ += ',';
    }
    std::string text_;
};

GameSide read_side(const PGresult* rows, int row, int first) {
    const auto real = [&](int column) { return pg_double(rows, row, first + column); };
    return {pg_string(rows, row, first),
            {real(1), real(2), real(3)},
            {real(4), real(5), real(6)},
            static_cast<int>(pg_integer(rows, row, first + 7)),
            static_cast<int>(pg_integer(rows, row, first + 8))};
}

std::vector<StoredGame> read_games(const PGresult* rows) {
    std::vector<StoredGame> games;
    for (int row = 0; row < PQntuples(rows); ++row) {
        if (PQgetisnull(rows, row, 0)) continue; // no game: a head-to-head's tally alone
        StoredGame game;
        game.seq = pg_integer(rows, row, 0);
        game.id = pg_string(rows, row, 1);
        game.result = parse_game_result(pg_string(rows, row, 2)).value_or(GameResult::draw);
        game.played_at_ms = pg_integer(rows, row, 3);
        game.white = read_side(rows, row, 4);
        game.black = read_side(rows, row, 13);
        game.white.periods = pg_double(rows, row, 22);
        game.black.periods = pg_double(rows, row, 23);
        games.push_back(std::move(game));
    }
    return games;
}

#define PLAYER_COLUMNS "name, rating, rd, volatility, games, rated_at"
Player read_player(const PGresult* rows, int row) {
    return {pg_string(rows, row, 0),
            pg_double(rows, row, 1),
            pg_double(rows, row, 2),
            pg_double(rows, row, 3),
            static_cast<int>(pg_integer(rows, row, 4)),
            PQgetisnull(rows, row, 5) ? std::nullopt : std::optional(pg_integer(rows, row, 5))};
}

// How many players outside the batch are rated above each rounded rating: a histogram read
// once per transaction, so that ranks within a batch follow each game as the SQLite store's do.
// Players with a rating outside 0..3999 count in the end buckets, as rounded_rating() clamps.
class RatingsAbove {
public:
    explicit RatingsAbove(const PGresult* histogram) : above_(max_rating + 2, 0) {
        for (int row = 0; row < PQntuples(histogram); ++row) {
            const auto rating = static_cast<int>(pg_integer(histogram, row, 0));
            above_[static_cast<std::size_t>(rating)] +=
                static_cast<int>(pg_integer(histogram, row, 1));
        }
        // above_[r] = players rated strictly above r
        int sum = 0;
        for (auto r = static_cast<std::size_t>(max_rating) + 1; r-- > 0;) {
            const int here = above_[r];
            above_[r] = sum;
            sum += here;
        }
    }
    int operator()(int rating) const { return above_[static_cast<std::size_t>(rating)]; }

private:
    std::vector<int> above_;
};

int rank_in(const RatingsAbove& outside, const std::map<std::string, Player>& locked,
            const std::string& player) {
    const int rating = rounded_rating(locked.at(player).rating);
    int rank = 1 + outside(rating);
    for (const auto& [name, other] : locked)
        if (rounded_rating(other.rating) > rating) ++rank;
    return rank;
}

void add_side(std::array<PgArray, 24>& columns, std::size_t first, const GameSide& side) {
    columns[first].add(side.player);
    columns[first + 1].add(side.before.rating);
    columns[first + 2].add(side.before.rd);
    columns[first + 3].add(side.before.volatility);
    columns[first + 4].add(side.after.rating);
    columns[first + 5].add(side.after.rd);
    columns[first + 6].add(side.after.volatility);
    columns[first + 7].add(side.rank);
    columns[first + 8].add(side.games);
}

std::string refusal(PgConnection& connection, const std::string& why) {
    return "PostgreSQL database '" + connection.database() + "': " + why;
}

} // namespace

net::awaitable<PgResult> PgSession::query(std::string sql, std::vector<std::string> params) {
    if (blocking) co_return connection.query_blocking(sql, params);
    auto answer = connection.query(std::move(sql), params);
    co_return co_await std::move(answer);
}

PgClub open_pg_database(PgConnection& connection,
                        const std::function<std::vector<Player>()>& make_roster,
                        std::optional<double> periods_per_day) {
    const auto run = [&](std::string_view sql, std::vector<std::string> params = {}) {
        return connection.query_blocking(sql, params);
    };
    PgClub club;
    try {
        run("BEGIN");
        run("SELECT pg_advisory_xact_lock($1)", {pg_text(schema_lock)});
        int version = 0;
        if (PQgetvalue(run("SELECT to_regclass('ranking_meta') IS NULL").get(), 0, 0)[0] == 't') {
            const auto tables =
                run("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
            if (pg_integer(tables.get(), 0, 0) != 0)
                throw std::runtime_error(refusal(
                    connection, "not a ranking database (it holds another application's tables)"));
        } else {
            version = static_cast<int>(
                pg_integer(run("SELECT schema_version FROM ranking_meta").get(), 0, 0));
        }
        if (version > pg_schema_version)
            throw std::runtime_error(
                refusal(connection, "written by a newer ranking-server (schema " +
                                        std::to_string(version) + "; this one knows up to " +
                                        std::to_string(pg_schema_version) + ")"));
        for (auto step = version + 1; step <= pg_schema_version; ++step) {
            for (const char* statement : migrations[static_cast<std::size_t>(step)])
                run(statement);
            if (step == 1) {
                club.created = true;
                std::array<PgArray, 5> columns;
                for (const auto& p : make_roster()) {
                    columns[0].add(p.name);
                    columns[1].add(p.rating);
                    columns[2].add(p.rd);
                    columns[3].add(p.volatility);
                    columns[4].add(p.games);
                }
                run("INSERT INTO players (name, rating, rd, volatility, games) SELECT * FROM "
                    "unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::int[])",
                    {columns[0].text(), columns[1].text(), columns[2].text(), columns[3].text(),
                     columns[4].text()});
            }
            if (step == 2) // from now on, at the rate asked for
                run("UPDATE ranking_meta SET periods_per_day = $1",
                    {pg_text(periods_per_day.value_or(default_rating_periods_per_day))});
            run("UPDATE ranking_meta SET schema_version = $1", {std::to_string(step)});
        }
        run("COMMIT");
        // One statement, one snapshot: the players as of `last_seq` exactly. Read apart, a game
        // another server commits in between would be in neither (followers start after
        // last_seq) or applied twice.
        const auto players = run("SELECT " PLAYER_COLUMNS ", m.last_seq, m.periods_per_day, "
                                 "m.timed_from_seq FROM players, ranking_meta AS m ORDER BY name");
        for (int row = 0; row < PQntuples(players.get()); ++row)
            club.players.push_back(read_player(players.get(), row));
        if (PQntuples(players.get()) > 0) {
            club.last_seq = pg_integer(players.get(), 0, 6);
            club.time = {pg_double(players.get(), 0, 7), pg_integer(players.get(), 0, 8)};
        }
    } catch (const PgError& e) {
        throw std::runtime_error(refusal(connection, e.what()));
    }
    if (club.players.empty())
        throw std::runtime_error(refusal(connection, "the database holds no players"));
    if (auto refused = refuse_other_rate(club.time, periods_per_day))
        throw std::runtime_error(refusal(connection, *refused));
    return club;
}

namespace {

// The body of the transaction, between BEGIN and COMMIT.
net::awaitable<std::vector<RecordOutcome>> record_in_transaction(PgSession session,
                                                                 std::vector<GameSubmission> games,
                                                                 std::int64_t now_ms,
                                                                 RatingTime time) {
    using Kind = RecordOutcome::Kind;
    PgArray ids, names;
    for (const auto& game : games) {
        ids.add(game.id);
        names.add(game.white).add(game.black);
    }

    auto finding = session.query("SELECT " GAME_COLUMNS " FROM games WHERE id = ANY($1::text[])",
                                 {ids.text()});
    std::map<std::string, StoredGame> existing;
    for (auto& game : read_games((co_await std::move(finding)).get()))
        existing.emplace(game.id, std::move(game));

    auto locking = session.query("SELECT " PLAYER_COLUMNS " FROM players "
                                 "WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE",
                                 {names.text()});
    const auto locked_rows = co_await std::move(locking);
    std::map<std::string, Player> locked; // the batch's players, moved by each game in turn
    PgArray locked_names;
    for (int row = 0; row < PQntuples(locked_rows.get()); ++row) {
        auto player = read_player(locked_rows.get(), row);
        locked_names.add(player.name);
        locked.emplace(player.name, std::move(player));
    }
    const auto locked_before = locked;

    std::vector<RecordOutcome> outcomes;
    std::map<std::string, std::size_t> created; // id -> its outcome, for retries in the batch
    for (const auto& game : games) {
        const StoredGame* stored = nullptr;
        if (auto it = existing.find(game.id); it != existing.end()) stored = &it->second;
        if (auto it = created.find(game.id); it != created.end())
            stored = &outcomes[it->second].game;
        if (stored) {
            outcomes.push_back(
                {is_retry_of(game, *stored) ? Kind::retried : Kind::conflict, *stored, {}});
            continue;
        }
        const auto white = locked.find(game.white), black = locked.find(game.black);
        if (white == locked.end() || black == locked.end()) {
            outcomes.push_back(
                {Kind::unknown_player, {}, white == locked.end() ? game.white : game.black});
            continue;
        }
        const auto before_white = white->second, before_black = black->second;
        const auto played_at = game.played_at_ms.value_or(now_ms);
        // The seq comes later (below), but is past every seq of a game rated before time
        // counted: timed_from_seq stands for it.
        const double white_t =
            time.periods(before_white.rated_at_ms, played_at, time.timed_from_seq);
        const double black_t =
            time.periods(before_black.rated_at_ms, played_at, time.timed_from_seq);
        const auto rated = rate_game_in_time(before_white.glicko(), white_t, before_black.glicko(),
                                             black_t, white_score(game.result));
        for (auto [player, after] :
             {std::pair{&white->second, rated.white}, std::pair{&black->second, rated.black}}) {
            player->rating = after.rating;
            player->rd = after.rd;
            player->volatility = after.volatility;
            player->rated_at_ms = rated_at_after(player->rated_at_ms, played_at);
            ++player->games;
        }
        // The seq and the ranks come once the counter row is ours (below).
        StoredGame made{
            game.id,
            0,
            game.result,
            played_at,
            {game.white, before_white.glicko(), rated.white, 0, white->second.games, white_t},
            {game.black, before_black.glicko(), rated.black, 0, black->second.games, black_t}};
        created.emplace(game.id, outcomes.size());
        outcomes.push_back({Kind::created, std::move(made), {}});
    }
    if (created.empty()) co_return outcomes;

    // The counter row is locked last and held until COMMIT: seqs follow commit order.
    // The notification is queued now and delivered at COMMIT (never if the transaction fails).
    auto counter =
        session.query("UPDATE ranking_meta SET last_seq = last_seq + $1 RETURNING "
                      "last_seq, pg_notify($2, last_seq::text)",
                      {pg_text(static_cast<std::int64_t>(created.size())), pg_games_channel});
    auto seq = pg_integer((co_await std::move(counter)).get(), 0, 0) -
               static_cast<std::int64_t>(created.size());
    // Every earlier writer has committed by now (they held the counter row): this statement's
    // snapshot is the club as of the previous commit, so ranks follow the commit order.
    auto counting = session.query("SELECT " ROUNDED_RATING ", count(*) FROM players WHERE NOT "
                                  "(name = ANY($1::text[])) GROUP BY 1",
                                  {locked_names.text()});
    const RatingsAbove outside((co_await std::move(counting)).get());
    auto club = locked_before; // the batch's players, moved game by game again for the ranks
    std::array<PgArray, 24> columns;
    for (auto& outcome : outcomes) {
        if (outcome.kind != Kind::created) continue;
        auto& game = outcome.game;
        game.seq = ++seq;
        for (auto* side : {&game.white, &game.black})
            club.at(side->player).rating = side->after.rating;
        for (auto* side : {&game.white, &game.black})
            side->rank = rank_in(outside, club, side->player);
        columns[0].add(game.seq);
        columns[1].add(game.id);
        columns[2].add(to_string(game.result));
        columns[3].add(game.played_at_ms);
        add_side(columns, 4, game.white);
        add_side(columns, 13, game.black);
        columns[22].add(game.white.periods);
        columns[23].add(game.black.periods);
    }
    for (std::size_t i = 0; i < games.size(); ++i) // retries within the batch: now with seqs
        if (outcomes[i].kind != Kind::created)
            if (auto it = created.find(games[i].id); it != created.end())
                outcomes[i].game = outcomes[it->second].game;

    std::vector<std::string> arrays;
    for (const auto& column : columns)
        arrays.push_back(column.text());
    auto inserting = session.query(
        "INSERT INTO games (" GAME_COLUMNS ") SELECT * FROM unnest($1::bigint[], $2::text[], "
        "$3::text[], $4::bigint[], $5::text[], $6::float8[], $7::float8[], $8::float8[], "
        "$9::float8[], $10::float8[], $11::float8[], $12::int[], $13::int[], $14::text[], "
        "$15::float8[], $16::float8[], $17::float8[], $18::float8[], $19::float8[], "
        "$20::float8[], $21::int[], $22::int[], $23::float8[], $24::float8[])",
        std::move(arrays));
    co_await std::move(inserting);

    std::array<PgArray, 6> moved;
    for (const auto& [name, player] : locked) {
        moved[0].add(name);
        moved[1].add(player.rating);
        moved[2].add(player.rd);
        moved[3].add(player.volatility);
        moved[4].add(player.games);
        if (player.rated_at_ms)
            moved[5].add(*player.rated_at_ms);
        else
            moved[5].null();
    }
    auto updating = session.query(
        "UPDATE players p SET rating = v.rating, rd = v.rd, volatility = v.volatility, games = "
        "v.games, rated_at = v.rated_at FROM unnest($1::text[], $2::float8[], $3::float8[], "
        "$4::float8[], $5::int[], $6::bigint[]) AS v (name, rating, rd, volatility, games, "
        "rated_at) WHERE p.name = v.name",
        {moved[0].text(), moved[1].text(), moved[2].text(), moved[3].text(), moved[4].text(),
         moved[5].text()});
    co_await std::move(updating);
    co_return outcomes;
}

} // namespace

net::awaitable<std::vector<RecordOutcome>> record_pg_games(PgSession session,
                                                           std::vector<GameSubmission> games,
                                                           std::int64_t now_ms, RatingTime time) {
    std::optional<PgError> failed;
    std::vector<RecordOutcome> outcomes;
    try {
        auto begin = session.query("BEGIN");
        co_await std::move(begin);
        auto recording = record_in_transaction(session, std::move(games), now_ms, time);
        outcomes = co_await std::move(recording);
        // synchronous_commit stays on: COMMIT returns once the WAL is flushed.
        auto commit = session.query("COMMIT");
        co_await std::move(commit);
        co_return outcomes;
    } catch (const PgError& e) {
        failed = e;
    }
    // Not after a failed COMMIT, which ended the transaction: that ROLLBACK would only earn a
    // WARNING, which libpq prints to stderr, once per failure, past the throttled log.
    if (session.connection.in_transaction()) {
        try {
            auto rollback = session.query("ROLLBACK");
            co_await std::move(rollback);
        } catch (const PgError&) {
            // Lost on the way: PostgreSQL drops the transaction with the connection.
        }
    }
    throw *failed;
}

net::awaitable<std::vector<StoredGame>> read_pg_games(PgSession session, GamesQuery query) {
    auto reading = read_pg_games_and_tally(session, std::move(query));
    co_return (co_await std::move(reading)).games;
}

net::awaitable<GamesRead> read_pg_games_and_tally(PgSession session, GamesQuery query) {
    std::string sql;
    std::vector<std::string> params;
    if (const auto* one = std::get_if<FindGame>(&query)) {
        sql = "SELECT " GAME_COLUMNS " FROM games WHERE id = $1";
        params = {one->id};
    } else if (const auto* mine = std::get_if<PlayerGames>(&query)) {
        // Two index range scans merged, rather than one OR that would sort the player's games.
        sql = "(SELECT " GAME_COLUMNS " FROM games WHERE white = $1 AND seq < $2 ORDER BY seq "
              "DESC LIMIT $3) UNION ALL (SELECT " GAME_COLUMNS " FROM games WHERE black = $1 AND "
              "seq < $2 ORDER BY seq DESC LIMIT $3) ORDER BY seq DESC LIMIT $3";
        params = {mine->player,
                  pg_text(mine->before.value_or(std::numeric_limits<std::int64_t>::max())),
                  pg_text(static_cast<std::int64_t>(mine->limit))};
    } else if (const auto* between = std::get_if<GamesBetween>(&query)) {
        // One statement, so the page and the tally see one snapshot (another server may commit
        // between two). The page: player_games' two scans, each filtered on the other player.
        // The tally: one row summed as the games go by, however many there are. A row for each
        // game of the page, the tally in columns 24-26 of every row; no game: one row, the
        // tally alone (its seq NULL).
        sql = "WITH page AS ((SELECT " GAME_COLUMNS " FROM games WHERE white = $1 AND black = $2 "
              "AND seq < $3 ORDER BY seq DESC LIMIT $4) UNION ALL (SELECT " GAME_COLUMNS " FROM "
              "games WHERE white = $2 AND black = $1 AND seq < $3 ORDER BY seq DESC LIMIT $4) "
              "ORDER BY seq DESC LIMIT $4), tally AS (SELECT coalesce(sum(w), 0) AS wins, "
              "coalesce(sum(d), 0) AS draws, coalesce(sum(l), 0) AS losses FROM ((SELECT "
              "(result = '1-0')::int AS w, (result = '1/2-1/2')::int AS d, (result = '0-1')::int "
              "AS l FROM games WHERE white = $1 AND black = $2) UNION ALL (SELECT (result = "
              "'0-1')::int, (result = '1/2-1/2')::int, (result = '1-0')::int FROM games WHERE "
              "white = $2 AND black = $1)) AS mine) SELECT page.*, tally.wins, tally.draws, "
              "tally.losses FROM tally LEFT JOIN page ON true ORDER BY page.seq DESC";
        params = {between->player, between->opponent,
                  pg_text(between->before.value_or(std::numeric_limits<std::int64_t>::max())),
                  pg_text(static_cast<std::int64_t>(between->limit))};
    } else {
        const auto& page = std::get<GamesAfter>(query);
        sql = "SELECT " GAME_COLUMNS " FROM games WHERE seq > $1 ORDER BY seq LIMIT $2";
        params = {pg_text(page.after), pg_text(static_cast<std::int64_t>(page.limit))};
    }
    auto reading = session.query(std::move(sql), std::move(params));
    const auto rows = co_await std::move(reading);
    GamesRead read;
    read.games = read_games(rows.get());
    if (std::holds_alternative<GamesBetween>(query) && PQntuples(rows.get()) > 0)
        read.tally = HeadToHeadTally{pg_integer(rows.get(), 0, 24), pg_integer(rows.get(), 0, 25),
                                     pg_integer(rows.get(), 0, 26)};
    co_return read;
}

namespace {
std::vector<Player> read_players(PgConnection& connection, const char* sql) {
    const auto rows = connection.query_blocking(sql);
    std::vector<Player> players;
    for (int row = 0; row < PQntuples(rows.get()); ++row)
        players.push_back(read_player(rows.get(), row));
    return players;
}
} // namespace

std::vector<Player> read_pg_current_club(PgConnection& connection) {
    return read_players(connection, "SELECT " PLAYER_COLUMNS " FROM players ORDER BY name");
}

std::vector<Player> read_pg_starting_club(PgConnection& connection) {
    // least() passes over a NULL: a player with games in one colour only.
    return read_players(connection, "SELECT " STARTING_CLUB_COLUMNS ", NULL::bigint FROM players "
                                    "AS p "
                                    "LEFT JOIN games AS g ON g.seq = least((SELECT min(seq) FROM "
                                    "games WHERE white = p.name), (SELECT min(seq) FROM games "
                                    "WHERE black = p.name)) ORDER BY p.name");
}

} // namespace ranking
