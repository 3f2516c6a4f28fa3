// Every endpoint and error of both planes, against a real server on loopback.
#include "json_shapes.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

using namespace ranking;
using namespace ranking::testing;

namespace {
net::awaitable<void> three_on_one_connection(HttpEndpoint endpoint, std::vector<int>& statuses) {
    ClientConnection connection(co_await net::this_coro::executor);
    auto connecting = connection.connect(endpoint.host, endpoint.port, std::chrono::seconds(5));
    if (co_await std::move(connecting)) co_return;
    for (const char* target : {"/healthz", "/players/alice", "/rank/bob"}) {
        HttpResponse response;
        auto exchange = connection.request("GET", target, "", std::chrono::seconds(5), response);
        if (co_await std::move(exchange)) co_return;
        statuses.push_back(response.status);
    }
}

nlohmann::json json_of(const FetchResult& r) {
    REQUIRE_FALSE(r.error);
    return nlohmann::json::parse(r.response.body);
}
} // namespace

TEST_CASE("GET /rank/{player} answers with a token that recomputes from the answer's fields") {
    TestServer server;
    const auto r = request(server.data(), "GET", "/rank/Alice");
    REQUIRE(r.response.status == 200);
    const auto answer = parse_rank_answer(json_of(r));
    CHECK(answer.standing.player == "alice");
    CHECK(answer.standing.rating == 1613);
    CHECK(answer.standing.players == 200);
    CHECK(answer.iterations == 1000);
    CHECK(answer.mode == WorkPlacement::offload);
    CHECK(answer.hash_ms > 0);
    CHECK(compute_token(test_secret, token_fields(answer.standing, answer.issued_at_ms,
                                                  answer.iterations)) == answer.token);
    CHECK(compute_token("wrong-secret", token_fields(answer.standing, answer.issued_at_ms,
                                                     answer.iterations)) != answer.token);
}

TEST_CASE("GET /players/{player} is the same standing without a token") {
    TestServer server;
    const auto lookup = json_of(request(server.data(), "GET", "/players/bob"));
    const auto ranked = json_of(request(server.data(), "GET", "/rank/bob"));
    CHECK_FALSE(lookup.contains("token"));
    for (const char* key : {"player", "rating", "rank", "players", "percentile"})
        CHECK(lookup[key] == ranked[key]);
}

TEST_CASE("GET /leaderboard pages in rank order") {
    TestServer server;
    const auto first = json_of(request(server.data(), "GET", "/leaderboard?limit=5"));
    const auto second = json_of(request(server.data(), "GET", "/leaderboard?limit=5&offset=5"));
    REQUIRE(first["entries"].size() == 5);
    REQUIRE(second["entries"].size() == 5);
    CHECK(first["entries"][0]["rank"] == 1);
    CHECK(first["entries"][4]["rating"] >= second["entries"][0]["rating"]);
    CHECK(json_of(request(server.data(), "GET", "/leaderboard?offset=1000"))["entries"].empty());
}

TEST_CASE("errors: 404, 400, 405 with Allow, 431, each a JSON error") {
    TestServer server;
    const auto check_error = [&](const char* method, std::string target, int status) {
        CAPTURE(target);
        const auto r = request(server.data(), method, target);
        CHECK(r.response.status == status);
        CHECK(json_of(r).contains("error"));
        return r;
    };
    check_error("GET", "/rank/nobody", 404);
    check_error("GET", "/players/nobody", 404);
    check_error("GET", "/rank/bad%20name", 400);
    check_error("GET", "/leaderboard?limit=1000", 400);
    check_error("GET", "/nowhere", 404);
    CHECK(check_error("POST", "/rank/alice", 405).response.allow == "GET");
    check_error("GET", "/players/" + std::string(9000, 'a'), 431);
}

TEST_CASE("keep-alive: several requests on one connection") {
    TestServer server;
    net::io_context loop;
    std::vector<int> statuses;
    net::co_spawn(loop, three_on_one_connection(server.data(), statuses), net::detached);
    loop.run();
    CHECK(statuses == std::vector<int>{200, 200, 200});
}

TEST_CASE("the admin plane flips the mode for the next hash") {
    TestServer server;
    CHECK(json_of(request(server.admin(), "GET", "/mode"))["mode"] == "offload");
    CHECK(json_of(request(server.admin(), "GET", "/healthz"))["status"] == "ok");
    const auto flipped = request(server.admin(), "PUT", "/mode", "inline");
    CHECK(flipped.response.status == 200);
    CHECK(json_of(request(server.data(), "GET", "/rank/alice"))["mode"] == "inline");
    CHECK(json_of(request(server.data(), "GET", "/healthz"))["mode"] == "inline");
    CHECK(request(server.admin(), "PUT", "/mode", "sideways").response.status == 400);
    CHECK(request(server.admin(), "DELETE", "/mode").response.status == 405);
    request(server.admin(), "PUT", "/mode", "offload");
    CHECK(json_of(request(server.data(), "GET", "/rank/alice"))["mode"] == "offload");
}
