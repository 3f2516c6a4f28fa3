// The server on PostgreSQL (--db postgresql://...), against a throwaway server
// (tests/store/temp_postgres.hpp): a game waiting inside PostgreSQL holds the loop only inline;
// the same API; lookups answered from memory while the database is down and POST /games
// answered 503, then the store back by itself.
#include "json_shapes.hpp"
#include "temp_postgres.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

ServerConfig on_postgres(TempPostgres& postgres, HashMode mode = HashMode::offload) {
    auto config = test_config(mode);
    config.postgres.emplace();
    config.postgres->conninfo = postgres.create_database();
    config.postgres->first_retry = std::chrono::milliseconds(20);
    config.postgres->max_retry = std::chrono::milliseconds(200);
    return config;
}

// Another client holds bob's row (SELECT ... FOR UPDATE), so a game for bob waits inside
// PostgreSQL. POST /games at 0 ms, a lookup at 100 ms, the row released at 600 ms: the order in
// which the answers and the release happen, all seen from one client loop.
std::vector<std::string> answer_order_with_locked_row(TempPostgres& postgres, HashMode mode) {
    const auto config = on_postgres(postgres, mode);
    TestServer server(config);
    const std::unique_ptr<PGconn, decltype(&PQfinish)> holder(
        PQconnectdb(config.postgres->conninfo.c_str()), &PQfinish);
    PQclear(PQexec(holder.get(), "BEGIN"));
    PQclear(PQexec(holder.get(), "SELECT name FROM players WHERE name = 'bob' FOR UPDATE"));
    net::io_context loop;
    std::vector<std::string> order;
    const std::string body = R"({"id":"l1","white":"alice","black":"bob","result":"1-0"})";
    net::co_spawn(loop, ask_after(server.data(), {"POST", "/games", body}, 0, "game", order),
                  net::detached);
    net::co_spawn(loop, ask_after(server.data(), {"GET", "/players/charlie"}, 100, "lookup", order),
                  net::detached);
    net::steady_timer release(loop, std::chrono::milliseconds(600));
    release.async_wait([&](error_code) {
        order.push_back("release"); // before COMMIT: whatever follows it waited for the lock
        PQclear(PQexec(holder.get(), "COMMIT"));
    });
    loop.run();
    return order;
}

} // namespace

TEST_CASE("on PostgreSQL, offload: a lookup is answered while a game waits for a locked row") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    CHECK(answer_order_with_locked_row(*postgres, HashMode::offload) ==
          std::vector<std::string>{"lookup", "release", "game"});
}

TEST_CASE("on PostgreSQL, inline: the lookup waits behind the blocking call that holds the loop") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    // The loop is held until the row is free: both answers come after the release (in either
    // order: they leave the server within a millisecond of each other).
    const auto order = answer_order_with_locked_row(*postgres, HashMode::inline_on_loop);
    REQUIRE(order.size() == 3);
    CHECK(order.front() == "release");
}

TEST_CASE("on PostgreSQL: 201 and lookups; the database down: 503 while lookups answer; back") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    TestServer server(on_postgres(*postgres));

    const auto game_body = [](const char* id) {
        return std::string(R"({"id":")") + id +
               R"(","white":"alice","black":"bob","result":"1-0"})";
    };
    const auto posted = request(server.data(), "POST", "/games", game_body("p1"));
    REQUIRE(posted.response.status == 201);
    const auto game = parse_game(nlohmann::json::parse(posted.response.body));
    CHECK(game.seq == 1);
    const auto alice = request(server.data(), "GET", "/players/alice");
    REQUIRE(alice.response.status == 200);
    const auto standing = nlohmann::json::parse(alice.response.body);
    CHECK(standing["glicko"]["rating"].get<double>() == game.white.after.rating);
    CHECK(standing["rank"] == game.white.rank);
    CHECK(request(server.data(), "POST", "/games", game_body("p1")).response.status == 200);

    postgres->stop();
    const auto refused = request(server.data(), "POST", "/games", game_body("p2"));
    CHECK(refused.response.status == 503);
    CHECK(refused.response.retry_after == "1");
    CHECK(request(server.data(), "GET", "/players/alice").response.status == 200);
    CHECK(request(server.data(), "GET", "/games/p1").response.status == 503);

    postgres->start();
    int status = 0;
    for (int attempt = 0; attempt < 600 && status != 201; ++attempt) { // bounded: 30 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        status = request(server.data(), "POST", "/games", game_body("p2")).response.status;
    }
    REQUIRE(status == 201);
    CHECK(
        parse_game(nlohmann::json::parse(request(server.data(), "GET", "/games/p2").response.body))
            .seq == 2);
    const auto metrics = request(server.admin(), "GET", "/metrics").response.body;
    CHECK(metrics.find("ranking_store_disconnects_total 1") != std::string::npos);
    CHECK(metrics.find("ranking_store_connected 1") != std::string::npos);
}
