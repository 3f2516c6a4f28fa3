// The server on PostgreSQL (--db postgresql://...), against a throwaway server
// (tests/store/temp_postgres.hpp): the same API, lookups answered from memory while the
// database is down and POST /games answered 503, then the store back by itself.
#include "json_shapes.hpp"
#include "temp_postgres.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace ranking;
using namespace ranking::testing;

TEST_CASE("on PostgreSQL: 201 and lookups; the database down: 503 while lookups answer; back") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    auto config = test_config();
    config.postgres.emplace();
    config.postgres->conninfo = postgres->create_database();
    config.postgres->first_retry = std::chrono::milliseconds(20);
    config.postgres->max_retry = std::chrono::milliseconds(200);
    TestServer server(config);

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
