// The server on PostgreSQL (--db postgresql://...), against a throwaway server
// (tests/store/temp_postgres.hpp): a game waiting inside PostgreSQL holds the loop only inline;
// the same API; lookups answered from memory while the database is down and POST /games
// answered 503, then the store back by itself; the same under a stream of requests, with a
// second server following the first's games before and after the restart.
#include "json_shapes.hpp"
#include "temp_postgres.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

ServerConfig on_postgres(TempPostgres& postgres, WorkPlacement mode = WorkPlacement::offload) {
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
std::vector<std::string> answer_order_with_locked_row(TempPostgres& postgres, WorkPlacement mode) {
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
    CHECK(answer_order_with_locked_row(*postgres, WorkPlacement::offload) ==
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
    const auto order = answer_order_with_locked_row(*postgres, WorkPlacement::inline_on_loop);
    REQUIRE(order.size() == 3);
    CHECK(order.front() == "release");
}

TEST_CASE("on PostgreSQL: 201 and lookups, the database down: 503 while lookups answer, back, "
          "/readyz follows the store") {
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
    CHECK(request(server.data(), "GET", "/readyz").response.status == 200);

    postgres->stop();
    const auto refused = request(server.data(), "POST", "/games", game_body("p2"));
    CHECK(refused.response.status == 503);
    CHECK(refused.response.retry_after == "1");
    CHECK(request(server.data(), "GET", "/players/alice").response.status == 200);
    CHECK(request(server.data(), "GET", "/games/p1").response.status == 503);
    const auto not_ready = request(server.data(), "GET", "/readyz").response; // the loss is known
    CHECK(not_ready.status == 503);
    CHECK(not_ready.body.find("not ready: the store is unavailable") != std::string::npos);
    CHECK(request(server.data(), "GET", "/healthz").response.status == 200); // still alive

    postgres->start();
    int status = 0;
    for (int attempt = 0; attempt < 600 && status != 201; ++attempt) { // bounded: 30 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        status = request(server.data(), "POST", "/games", game_body("p2")).response.status;
    }
    REQUIRE(status == 201);
    CHECK(request(server.data(), "GET", "/readyz").response.status == 200);
    CHECK(
        parse_game(nlohmann::json::parse(request(server.data(), "GET", "/games/p2").response.body))
            .seq == 2);
    const auto metrics = request(server.admin(), "GET", "/metrics").response.body;
    CHECK(metrics.find("ranking_store_disconnects_total 1") != std::string::npos);
    CHECK(metrics.find("ranking_store_connected 1") != std::string::npos);
}

TEST_CASE("on PostgreSQL restarted under load: every lookup answered, games 201 or 503, none "
          "acknowledged lost, and a second server follows again") {
    std::string why;
    auto* postgres = TempPostgres::shared(why);
    if (!postgres) {
        MESSAGE("skipped: " << why);
        return;
    }
    const auto config = on_postgres(*postgres);
    TestServer a(config), b(config); // one database, two servers

    std::atomic<bool> stop{false}, restarted{false};
    std::atomic<int> created_after_restart{0};
    std::vector<std::pair<std::string, int>> posts; // poster thread only, read after join
    std::vector<int> lookups;                       // lookup thread only, read after join
    {
        std::jthread poster([&] {
            for (int i = 0; !stop; ++i) {
                const auto id = "r" + std::to_string(i);
                const auto status =
                    request(a.data(), "POST", "/games",
                            R"({"id":")" + id + R"(","white":"alice","black":")" +
                                (i % 2 ? "bob" : "charlie") + R"(","result":"1-0"})")
                        .response.status;
                posts.emplace_back(id, status);
                if (status == 201 && restarted) ++created_after_restart;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
        std::jthread looker([&] {
            while (!stop)
                for (const auto* server : {&a, &b})
                    for (const char* target : {"/players/alice", "/leaderboard?limit=5"})
                        lookups.push_back(request(server->data(), "GET", target).response.status);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        postgres->stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        postgres->start();
        restarted = true;
        // Bounded: 30 s for the store to reconnect and take games again.
        for (int i = 0; i < 600 && created_after_restart < 5; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        stop = true;
    }
    REQUIRE(created_after_restart >= 5);
    REQUIRE_FALSE(lookups.empty());
    CHECK(std::count(lookups.begin(), lookups.end(), 200) == std::ssize(lookups));
    int refused = 0;
    for (const auto& [id, status] : posts) {
        CAPTURE(id);
        CHECK((status == 201 || status == 503));
        refused += status == 503;
    }
    CHECK(refused > 0); // the database was down for a while under the poster

    // Every acknowledged game is stored; seqs whole; B follows again: alice's rating on B is
    // her last game's `after` (bounded wait).
    const auto exported = nlohmann::json::parse(
        request(a.data(), "GET", "/games?limit=10000").response.body)["games"];
    std::set<std::string> stored;
    std::int64_t seq = 0;
    for (const auto& game : exported) {
        CHECK(game["seq"].get<std::int64_t>() == ++seq);
        stored.insert(game["id"].get<std::string>());
    }
    for (const auto& [id, status] : posts)
        if (status == 201) CHECK(stored.count(id) == 1);
    const auto last_alice = exported.back()["white"]["after"]["rating"].get<double>();
    double on_b = 0;
    for (int i = 0; i < 600 && on_b != last_alice; ++i) {
        on_b = nlohmann::json::parse(
                   request(b.data(), "GET", "/players/alice").response.body)["glicko"]["rating"]
                   .get<double>();
        if (on_b != last_alice) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(on_b == last_alice);
    // B wrote and read nothing through its store connection, idle across the restart: the
    // listener's return had it checked and reconnected (bounded wait), so B reads at once.
    std::string metrics;
    for (int i = 0; i < 600; ++i) {
        metrics = request(b.admin(), "GET", "/metrics").response.body;
        if (metrics.find("ranking_store_disconnects_total 1") != std::string::npos &&
            metrics.find("ranking_store_connected 1") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(metrics.find("ranking_store_disconnects_total 1") != std::string::npos);
    CHECK(metrics.find("ranking_store_connected 1") != std::string::npos);
    CHECK(metrics.find("ranking_store_follower_disconnects_total 1") != std::string::npos);
    CHECK(metrics.find("ranking_store_following 1") != std::string::npos);
    CHECK(request(b.data(), "GET", "/games/" + exported.back()["id"].get<std::string>())
              .response.status == 200);
}
