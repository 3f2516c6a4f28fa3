#pragma once
// The backends the same store tests run against, and a way to await a store's calls from a
// test. A backend owns one fresh, empty database and opens (or reopens) stores on it:
//   static bool available(std::string& why);  // false: skip, `why` says what is missing
//   std::unique_ptr<GameStore> open(net::io_context&, roster);
#include "pg_game_store.hpp"
#include "sqlite_game_store.hpp"
#include "temp_database.hpp"
#include "temp_postgres.hpp"

#include <boost/asio/io_context.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>

namespace ranking {

using Roster = std::function<std::vector<Player>()>;

struct SqliteBackend {
    static constexpr const char* name = "SQLite";
    static bool available(std::string&) { return true; }
    std::unique_ptr<GameStore> open(net::io_context&, const Roster& roster) {
        return std::make_unique<SqliteGameStore>(
            SqliteStoreConfig{file.path(), std::chrono::seconds(5), 10'000}, roster);
    }
    std::string database() const { return file.path().string(); }              // what --db takes
    void edit(const char* sql) const { Connection(file.path()).execute(sql); } // by hand
    TempDatabase file;
};

struct PgBackend {
    static constexpr const char* name = "PostgreSQL";
    static bool available(std::string& why) { return TempPostgres::shared(why) != nullptr; }
    PgBackend() {
        std::string why;
        if (auto* server = TempPostgres::shared(why)) conninfo = server->create_database();
    }
    std::unique_ptr<GameStore> open(net::io_context& loop, const Roster& roster) {
        return std::make_unique<PgGameStore>(loop.get_executor(), config(), roster);
    }
    std::string database() const { return conninfo; }
    void edit(const char* sql) const {
        net::io_context io;
        PgConnection connection(io.get_executor(), conninfo);
        connection.connect_blocking();
        connection.query_blocking(sql);
    }
    PgStoreConfig config() const {
        PgStoreConfig config;
        config.conninfo = conninfo;
        config.first_retry = std::chrono::milliseconds(20);
        config.max_retry = std::chrono::milliseconds(200);
        return config;
    }
    std::string conninfo;
};

// Runs `loop` until every one of `calls` is done (not until the loop runs dry: a store may
// keep timers of its own, e.g. a reconnection's backoff), and returns their results in order.
template <typename Result>
std::vector<Result> await_all(net::io_context& loop, std::vector<net::awaitable<Result>> calls) {
    std::vector<std::optional<Result>> results(calls.size());
    std::exception_ptr failure;
    std::size_t done = 0;
    for (std::size_t i = 0; i < calls.size(); ++i)
        net::co_spawn(loop, std::move(calls[i]), [&, i](std::exception_ptr e, Result result) {
            if (e) failure = e;
            results[i] = std::move(result);
            ++done;
        });
    loop.restart();
    while (done < results.size())
        loop.run_one();
    if (failure) std::rethrow_exception(failure);
    std::vector<Result> out;
    for (auto& result : results)
        out.push_back(std::move(*result));
    return out;
}

template <typename Result> Result await_one(net::io_context& loop, net::awaitable<Result> call) {
    std::vector<net::awaitable<Result>> calls;
    calls.push_back(std::move(call));
    return std::move(await_all(loop, std::move(calls)).front());
}

} // namespace ranking
