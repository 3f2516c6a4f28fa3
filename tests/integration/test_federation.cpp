// GET /players/{name}/federation against the stand-in rating service: the three placements
// asserted as orderings (who was answered first), the cache, every failure's status, the bound
// on connections, and the inline call's stall (blocked, in libcurl, under the route).
#include "federation_standin.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

using namespace ranking;
using namespace ranking::testing;
using Behaviour = FederationStandin::Behaviour;

namespace {

ServerConfig federation_config(const FederationStandin& service, FederationClient client,
                               WorkPlacement mode = WorkPlacement::offload) {
    auto config = test_config(mode);
    config.federation.url = service.url();
    config.federation.client = client;
    config.federation.connections = 4;
    config.federation.timeout = std::chrono::seconds(10);
    config.federation.cache_for = std::chrono::seconds(0);
    return config;
}

struct Answered {
    std::string label;
    int status = 0;
    nlohmann::json body;
};

// `calls` federation look-ups at once and, with `then_lookup`, a cheap lookup of bob 100 ms
// later: in the order they were answered.
std::vector<Answered> look_up(const HttpEndpoint& data, int calls, bool then_lookup) {
    net::io_context loop;
    std::vector<Answered> order;
    const auto record = [&order](std::string label) {
        return [&order, label](HttpResponse& answer) {
            order.push_back(
                {label, answer.status, nlohmann::json::parse(answer.body, nullptr, false)});
        };
    };
    for (int i = 0; i < calls; ++i)
        net::co_spawn(
            loop, ask_after(data, {"GET", "/players/alice/federation"}, 0, record("federation")),
            net::detached);
    if (then_lookup)
        net::co_spawn(loop, ask_after(data, {"GET", "/players/bob"}, 100, record("lookup")),
                      net::detached);
    loop.run();
    return order;
}

int status_of(const HttpEndpoint& data, const std::string& target) {
    return request(data, "GET", target).response.status;
}

} // namespace

TEST_CASE("federation: the async and the thread clients leave the loop free while the service "
          "is slow") {
    for (const auto client : {FederationClient::async_client, FederationClient::thread_client}) {
        CAPTURE(to_string(client));
        FederationStandinConfig slow;
        slow.latency = std::chrono::milliseconds(300);
        FederationStandin service(slow);
        TestServer server(federation_config(service, client));
        const auto order = look_up(server.data(), 10, true);
        REQUIRE(order.size() == 11);
        CHECK(order.front().label == "lookup"); // answered while ten calls wait for the service
        for (const auto& answered : order) {
            CHECK(answered.status == 200);
            if (answered.label == "federation")
                CHECK(answered.body["fetched_by"] == std::string(to_string(client)));
        }
        CHECK(service.requests() == 10);
    }
}

TEST_CASE("federation: inline, the loop waits for the service and the lookup is answered after "
          "it") {
    FederationStandinConfig slow;
    slow.latency = std::chrono::milliseconds(300);
    FederationStandin service(slow);
    TestServer server(
        federation_config(service, FederationClient::async_client, WorkPlacement::inline_on_loop));
    const auto order = look_up(server.data(), 3, true);
    REQUIRE(order.size() == 4);
    CHECK(order.front().label == "federation");
    CHECK(order.front().body["fetched_by"] == "inline");
}

TEST_CASE("federation: a second look-up within the cache's time is answered without the "
          "service") {
    FederationStandin service;
    auto config = federation_config(service, FederationClient::async_client);
    config.federation.cache_for = std::chrono::seconds(300);
    TestServer server(config);
    const auto first = request(server.data(), "GET", "/players/alice/federation");
    const auto second = request(server.data(), "GET", "/players/Alice/federation");
    REQUIRE(first.response.status == 200);
    REQUIRE(second.response.status == 200);
    const auto a = nlohmann::json::parse(first.response.body);
    const auto b = nlohmann::json::parse(second.response.body);
    CHECK(a["cached"] == false);
    CHECK(b["cached"] == true);
    CHECK(a["rating"] == FederationStandin::rating_for("alice"));
    CHECK(b["rating"] == a["rating"]);
    CHECK(b["fetched_unix_ms"] == a["fetched_unix_ms"]);
    CHECK(service.requests() == 1);
}

TEST_CASE("federation: each failure of the service has its status, and the server stays up") {
    for (const auto client : {FederationClient::async_client, FederationClient::thread_client}) {
        CAPTURE(to_string(client));
        FederationStandin service;
        auto config = federation_config(service, client);
        config.federation.timeout = std::chrono::milliseconds(300);
        TestServer server(config);
        const auto data = server.data();
        CHECK(status_of(data, "/players/alice/federation") == 200);
        for (const auto& [behaviour, status] :
             {std::pair{Behaviour::status_500, 502}, std::pair{Behaviour::garbage, 502},
              std::pair{Behaviour::not_http, 502}, std::pair{Behaviour::reset, 502}}) {
            CAPTURE(to_string(behaviour));
            service.set_behaviour(behaviour);
            const auto answer = request(data, "GET", "/players/alice/federation").response;
            CHECK(answer.status == status);
            CHECK(nlohmann::json::parse(answer.body)["error"].get<std::string>().find(
                      service.url()) != std::string::npos);
        }
        service.set_behaviour(Behaviour::ok);
        service.set_latency(std::chrono::seconds(3)); // past the 300 ms timeout
        CHECK(status_of(data, "/players/alice/federation") == 504);
        CHECK(status_of(data, "/players/nobody-here/federation") == 404); // not a member: no call
        CHECK(status_of(data, "/healthz") == 200);
        service.set_latency(std::chrono::milliseconds(0));
        CHECK(status_of(data, "/players/alice/federation") == 200); // and it recovers
    }
}

TEST_CASE("federation: a kept connection the service has closed is not a failure: the look-up "
          "goes out again on a new one") {
    FederationStandinConfig quick;
    quick.latency = std::chrono::milliseconds(0);
    FederationStandin service(quick);
    service.set_drop_kept(true);
    TestServer server(federation_config(service, FederationClient::async_client));
    for (int i = 0; i < 3; ++i) // the 2nd and 3rd find the kept connection closed
        CHECK(status_of(server.data(), "/players/alice/federation") == 200);
    CHECK(service.requests() == 3);
    CHECK(service.connections_accepted() == 3);
}

TEST_CASE("federation: a service that is down gets 502, a server without one 501") {
    // A port bound and never listened on: connections to it are refused, and nothing else (the
    // test's own server) can take it meanwhile.
    net::io_context io;
    tcp::acceptor held(io);
    held.open(tcp::v4());
    held.bind({net::ip::make_address("127.0.0.1"), 0});
    const auto down_url =
        "http://127.0.0.1:" + std::to_string(held.local_endpoint().port()) + "/ratings";
    for (const auto client : {FederationClient::async_client, FederationClient::thread_client}) {
        auto config = test_config();
        config.federation.url = down_url;
        config.federation.client = client;
        TestServer server(config);
        const auto answer = request(server.data(), "GET", "/players/alice/federation").response;
        CHECK(answer.status == 502);
        CHECK(nlohmann::json::parse(answer.body)["error"].get<std::string>().find("unreachable") !=
              std::string::npos);
    }
    TestServer without(test_config());
    CHECK(status_of(without.data(), "/players/alice/federation") == 501);
}

TEST_CASE("federation: 100 look-ups at once open at most --federation-connections connections") {
    for (const auto client : {FederationClient::async_client, FederationClient::thread_client}) {
        CAPTURE(to_string(client));
        FederationStandinConfig quick;
        quick.latency = std::chrono::milliseconds(20);
        FederationStandin service(quick);
        auto config = federation_config(service, client);
        config.federation.max_pending = 1000;
        TestServer server(config);
        const auto answered = look_up(server.data(), 100, false);
        REQUIRE(answered.size() == 100);
        CHECK(std::all_of(answered.begin(), answered.end(),
                          [](const Answered& a) { return a.status == 200; }));
        CHECK(service.requests() == 100);
        CHECK(service.most_connections_open() <= 4);
        CHECK(service.connections_accepted() <= 4); // kept alive and reused
    }
}

TEST_CASE("federation: inline, the stall is named by the route, classed blocked, in libcurl") {
    FederationStandinConfig slow;
    slow.latency = std::chrono::milliseconds(400);
    FederationStandin service(slow);
    TestServer server(
        federation_config(service, FederationClient::async_client, WorkPlacement::inline_on_loop));
    REQUIRE(status_of(server.data(), "/players/alice/federation") == 200);
    std::vector<StallRecord> stalls;
    for (int i = 0; i < 100 && stalls.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (const auto& stall : server.server().stalls())
            if (stall.route == Route::federation) stalls.push_back(stall);
    }
    REQUIRE(stalls.size() == 1);
    const auto& stall = stalls.front();
    CHECK(stall.request_id.has_value());
#if !defined(__SANITIZE_THREAD__) // TSan delivers the sampling signal only at its next interception
    CHECK(stall.kind == StallKind::blocked);
    REQUIRE_FALSE(stall.samples.empty());
    std::string frames;
    for (const auto& frame : stall.samples.front().frames)
        frames += frame.brief + "\n";
    CAPTURE(frames);
    CHECK(frames.find("curl_easy_perform") != std::string::npos);
    CHECK(frames.find("ranking::curl_get") != std::string::npos);
#endif
}
