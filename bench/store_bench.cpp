// store-bench: the store alone, no HTTP, on this machine's disk. Three rates in one run:
//   sqlite   SQLite's own: one small INSERT per transaction, WAL, synchronous=FULL (the reference)
//   inline   the store's one transaction per game, called in turn (what --mode inline does)
//   offload  the storage thread with group commit, games offered open-loop at --rate per second,
//            then the same again with the WAL checkpointed at SQLite's default 1,000 pages, and
//            again with each commit starting as soon as the last one ends (no commit spacing)
// With --db postgresql://... the same three again against that PostgreSQL, in the same run:
// PostgreSQL's own rate for one small INSERT per transaction (synchronous_commit as the server
// has it), the PostgreSQL store inline (blocking libpq, one transaction per game) and offload
// (non-blocking libpq on the loop, group commit); 1000 commits for the first two (PostgreSQL
// commits take milliseconds). The database must be empty: the bench creates
// its tables and drops them after each part.
// Acks are timed from each game's due time, so a late commit counts in full.
// --only group-commit runs the offload row alone: the store's disk work at --rate, for another
// process to be measured beside it (demo/store_chapter.sh does that to a lookups-only server).
// Usage: store-bench --help (store_bench_options.cpp)
// Over 400 lines: three reference runs, each with its own setup and figures, read in order.
#include "pg_game_store.hpp"
#include "sqlite_game_store.hpp"
#include "store_bench_options.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace ranking;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
    double per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    std::size_t count = 0;
};

Figures summarise(std::vector<double> ms, double seconds) {
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) {
        return ms.empty()
                   ? 0.0
                   : ms[std::min(ms.size() - 1,
                                 static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    return {static_cast<double>(ms.size()) / seconds, at(0.50), at(0.99), ms.size()};
}

double ms_since(Clock::time_point from) {
    return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
}

std::filesystem::path fresh(const std::string& dir, const char* name) {
    const auto path = std::filesystem::path(dir) / (std::string("store-bench-") + name + "-" +
                                                    std::to_string(::getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
    return path;
}

Figures sqlite_reference(const std::string& dir, int commits) {
    const auto path = fresh(dir, "sqlite");
    {
        Connection db(path);
        db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                   "CREATE TABLE t (id TEXT PRIMARY KEY, v REAL)");
        Statement begin(db, "BEGIN IMMEDIATE"), insert(db, "INSERT INTO t VALUES (?1, ?2)"),
            commit(db, "COMMIT");
        std::vector<double> ms;
        const auto start = Clock::now();
        for (int i = 0; i < commits; ++i) {
            const auto t0 = Clock::now();
            Use(begin)->run();
            Use use(insert);
            use->bind(1, "row-" + std::to_string(i)).bind(2, 1.0 * i).run();
            Use(commit)->run();
            ms.push_back(ms_since(t0));
        }
        const double seconds = ms_since(start) / 1000.0;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path.string() + suffix);
        return summarise(std::move(ms), seconds);
    }
}

std::vector<Player> club() {
    return generate_club(1000);
}

GameSubmission random_game(std::uint64_t n) {
    const auto white = n * 7919 % 1000, black = (white + 1 + n * 104729 % 999) % 1000;
    const auto name = [](std::uint64_t i) {
        char text[16];
        std::snprintf(text, sizeof text, "player%05llu", static_cast<unsigned long long>(i));
        return i == 0   ? std::string("alice")
               : i == 1 ? std::string("bob")
               : i == 2 ? std::string("charlie")
                        : std::string(text);
    };
    return {"bench-" + std::to_string(n), name(white), name(black), GameResult::white_wins,
            std::nullopt};
}

// One game after the other, each awaited: the store's inline mode, one transaction per game.
Figures inline_run(GameStore& store, net::io_context& loop, int games) {
    std::vector<double> ms;
    const auto start = Clock::now();
    net::co_spawn(
        loop,
        [](GameStore& s, int n, std::vector<double>& out) -> net::awaitable<void> {
            for (int i = 0; i < n; ++i) {
                const auto t0 = Clock::now();
                auto recording = s.record(random_game(static_cast<std::uint64_t>(i)),
                                          WorkPlacement::inline_on_loop);
                const auto outcome = co_await std::move(recording);
                if (outcome.kind == RecordOutcome::Kind::created) out.push_back(ms_since(t0));
            }
        }(store, games, ms),
        net::detached);
    loop.run();
    return summarise(std::move(ms), ms_since(start) / 1000.0);
}

Figures inline_per_game(const std::string& dir, int games) {
    const auto path = fresh(dir, "inline");
    Figures figures;
    {
        SqliteGameStore store({path}, club);
        net::io_context loop;
        figures = inline_run(store, loop, games);
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
    return figures;
}

net::awaitable<void> post_due(GameStore& store, std::uint64_t n, Clock::time_point due,
                              std::vector<double>& acks) {
    net::steady_timer wait(co_await net::this_coro::executor, due);
    co_await wait.async_wait(use_nothrow);
    auto recording = store.record(random_game(n), WorkPlacement::offload);
    const auto outcome = co_await std::move(recording);
    if (outcome.kind == RecordOutcome::Kind::created) acks.push_back(ms_since(due));
}

// What the storage thread did during the offload run: each transaction's games and duration.
struct Transactions {
    std::vector<std::size_t> games;
    std::vector<double> ms;
    int checkpoints = 0; // by the WAL checkpointer's thread, outside the commits
};

// Games offered open-loop at `rate` for `seconds`: the store's offload mode, group commit.
Figures offload_run(GameStore& store, net::io_context& loop, double rate, double seconds) {
    std::vector<double> ms;
    const auto games = static_cast<std::uint64_t>(rate * seconds);
    const auto start = Clock::now() + std::chrono::milliseconds(50);
    for (std::uint64_t i = 0; i < games; ++i) {
        const auto due = start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                     1e9 * static_cast<double>(i) / rate));
        net::co_spawn(loop, post_due(store, i, due, ms), net::detached);
    }
    loop.run();
    return summarise(std::move(ms), ms_since(start) / 1000.0);
}

// One offload run on SQLite: the acks, what the storage thread's transactions did, and the CPU
// time the process spent on it (all threads; the loop's share is small here).
struct GroupCommitRun {
    Figures acks;
    Transactions transactions;
    double cpu_seconds = 0;
};

double process_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

GroupCommitRun offload_group_commit(const std::string& dir, double rate, double seconds,
                                    WalPages wal_pages, std::chrono::microseconds commit_spacing) {
    const auto path = fresh(dir, "offload");
    GroupCommitRun run;
    auto& transactions = run.transactions;
    const double cpu_before = process_cpu_seconds();
    {
        std::mutex mutex;
        SqliteGameStore store({path, std::chrono::seconds(1), 1'000'000, wal_pages, commit_spacing},
                              club, StoreObserver{[&](std::size_t games, double commit_seconds) {
                                  const std::lock_guard lock(mutex);
                                  transactions.games.push_back(games);
                                  transactions.ms.push_back(commit_seconds * 1000);
                              }});
        net::io_context loop;
        run.acks = offload_run(store, loop, rate, seconds);
        transactions.checkpoints = store.checkpoints();
    }
    run.cpu_seconds = process_cpu_seconds() - cpu_before;
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
    ::sync(); // the 80 MB WAL's removal reaches the disk here, not during the next run
    return run;
}

// The same three against PostgreSQL. Blocking libpq for the reference, as SQLite's is blocking.
struct PgFigures {
    std::string version;
    Figures reference, one_per_game, grouped;
    Transactions transactions;
};

void drop_bench_tables(PgConnection& db) {
    db.query_blocking("DROP TABLE IF EXISTS store_bench, games, players, ranking_meta");
}

PgFigures postgres_runs(const std::string& conninfo, int commits, double rate, double seconds) {
    PgFigures figures;
    net::io_context admin_loop; // the blocking connection never waits on it
    PgConnection db(admin_loop.get_executor(), conninfo);
    db.connect_blocking();
    db.query_blocking("SET client_min_messages = warning"); // no NOTICE for DROP ... IF EXISTS
    if (pg_integer(db.query_blocking("SELECT count(*) FROM pg_tables WHERE schemaname = "
                                     "current_schema()")
                       .get(),
                   0, 0) != 0)
        throw std::runtime_error("database '" + db.database() +
                                 "' is not empty: store-bench creates and drops its tables there");
    figures.version = pg_string(db.query_blocking("SHOW server_version").get(), 0, 0) +
                      ", synchronous_commit " +
                      pg_string(db.query_blocking("SHOW synchronous_commit").get(), 0, 0);

    db.query_blocking("CREATE TABLE store_bench (id text PRIMARY KEY, v float8)");
    std::vector<double> ms;
    auto start = Clock::now();
    for (int i = 0; i < commits; ++i) {
        const auto t0 = Clock::now();
        db.query_blocking("BEGIN");
        const std::vector<std::string> row{"row-" + std::to_string(i), std::to_string(i)};
        db.query_blocking("INSERT INTO store_bench VALUES ($1, $2)", row);
        db.query_blocking("COMMIT");
        ms.push_back(ms_since(t0));
    }
    figures.reference = summarise(std::move(ms), ms_since(start) / 1000.0);
    drop_bench_tables(db);

    PgStoreConfig config;
    config.conninfo = conninfo;
    config.max_pending_games = 1'000'000;
    {
        net::io_context loop;
        PgGameStore store(loop.get_executor(), config, club);
        figures.one_per_game = inline_run(store, loop, commits);
    }
    drop_bench_tables(db);
    {
        net::io_context loop;
        auto& transactions = figures.transactions; // the observer runs on `loop`: no lock
        PgGameStore store(loop.get_executor(), config, club,
                          StoreObserver{[&](std::size_t games, double took) {
                              transactions.games.push_back(games);
                              transactions.ms.push_back(took * 1000);
                          }});
        figures.grouped = offload_run(store, loop, rate, seconds);
    }
    drop_bench_tables(db);
    return figures;
}

void print_transactions(Transactions& transactions) {
    auto& batches = transactions.games;
    std::sort(batches.begin(), batches.end());
    const auto commits = summarise(transactions.ms, 1);
    const double longest = transactions.ms.empty()
                               ? 0
                               : *std::max_element(transactions.ms.begin(), transactions.ms.end());
    std::printf("group commit: %zu transactions, median %zu games each, largest %zu\n",
                batches.size(), batches.empty() ? 0 : batches[batches.size() / 2],
                batches.empty() ? 0 : batches.back());
    std::printf("transaction time: p50 %.3f ms, p99 %.3f ms, longest %.3f ms", commits.p50_ms,
                commits.p99_ms, longest);
}

void print_row(const char* what, const Figures& f, const std::string& note = {}) {
    std::printf("%-42s %12.0f %9.3f %9.3f%s\n", what, f.per_second, f.p50_ms, f.p99_ms,
                note.c_str());
}

void print_group_commit(const char* what, GroupCommitRun& run, const std::string& note) {
    print_row(what, run.acks, note);
    print_transactions(run.transactions);
    std::printf("; %d WAL checkpoints on their own thread\n", run.transactions.checkpoints);
    std::printf("CPU (all threads): %.0f ms, %.0f us per game\n", run.cpu_seconds * 1000,
                run.acks.count ? run.cpu_seconds * 1e6 / static_cast<double>(run.acks.count) : 0);
}

} // namespace

int main(int argc, char* argv[]) {
    const auto parsed = parse_store_bench_options(argc, argv, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    const auto& [rate, seconds, dir, postgres, only_group_commit] = *parsed.options;
    const SqliteStoreConfig defaults;
    char offered[96];
    std::snprintf(offered, sizeof offered, "   (offered %.0f/s for %.0f s; ack from due time)",
                  rate, seconds);
    const auto print_header = [&] {
        std::printf("store-bench on %s (SQLite %s, WAL, synchronous=FULL)\n", dir.c_str(),
                    sqlite3_libversion());
        std::printf("%-42s %12s %9s %9s\n", "", "per second", "p50 ms", "p99 ms");
    };
    if (only_group_commit) {
        auto grouped = offload_group_commit(dir, rate, seconds, {}, defaults.commit_spacing);
        print_header();
        print_group_commit("store offload, group commit", grouped, offered);
        return 0;
    }
    const auto reference = sqlite_reference(dir, 3000);
    const auto one_per_game = inline_per_game(dir, 3000);
    // Each run syncs once its files are removed, so the next starts on a quiet disk.
    auto at_sqlite_interval =
        offload_group_commit(dir, rate, seconds, {1000, 2000}, defaults.commit_spacing);
    auto grouped = offload_group_commit(dir, rate, seconds, {}, defaults.commit_spacing);
    auto back_to_back = offload_group_commit(dir, rate, seconds, {}, {});
    std::optional<PgFigures> pg;
    if (!postgres.empty()) {
        try {
            // 1,000 commits, not SQLite's 3,000: each costs milliseconds over a socket.
            pg = postgres_runs(postgres, 1000, rate, seconds);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "store-bench: PostgreSQL: %s\n", e.what());
            return 1;
        }
    }

    print_header();
    print_row("SQLite alone, one INSERT per commit", reference);
    print_row("store inline, one transaction per game", one_per_game);
    print_group_commit("store offload, group commit", grouped, offered);
    print_group_commit("the same, checkpoints every 1,000 pages", at_sqlite_interval,
                       "   (SQLite's default interval)");
    print_group_commit("the same, commits back to back", back_to_back,
                       "   (no commit spacing: --commit-spacing-us 0)");
    std::printf("ratios: inline / SQLite alone %.2f; offload durable rate / inline %.1fx\n",
                one_per_game.per_second / reference.per_second,
                grouped.acks.per_second / one_per_game.per_second);
    if (pg) {
        std::printf("\nPostgreSQL %s\n", pg->version.c_str());
        print_row("PostgreSQL alone, one INSERT per commit", pg->reference);
        print_row("PG store inline, one transaction per game", pg->one_per_game);
        print_row("PG store offload, group commit", pg->grouped, offered);
        print_transactions(pg->transactions);
        std::printf("\nratios: inline / PostgreSQL alone %.2f; offload / PostgreSQL alone %.1fx; "
                    "offload / inline %.1fx\n",
                    pg->one_per_game.per_second / pg->reference.per_second,
                    pg->grouped.per_second / pg->reference.per_second,
                    pg->grouped.per_second / pg->one_per_game.per_second);
    }
    return 0;
}
