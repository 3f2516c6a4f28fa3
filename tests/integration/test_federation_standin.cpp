// The stand-in for a federation's rating service: its answers, its counters, and each way it
// misbehaves on purpose. Behaviour and orderings only, never timings.
#include "federation_standin.hpp"
#include "test_server.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace ranking;
using namespace ranking::testing;
using namespace std::chrono_literals;
using Behaviour = FederationStandin::Behaviour;

namespace {

FederationStandinConfig quick() {
    FederationStandinConfig config;
    config.latency = 0ms;
    return config;
}

HttpEndpoint endpoint_of(const FederationStandin& standin) {
    return {"127.0.0.1", std::to_string(standin.port())};
}

struct Exchange {
    error_code error;
    HttpResponse response;
};

// One keep-alive connection, one request at a time, so that a test can change the stand-in
// between two requests.
class KeepAlive {
public:
    explicit KeepAlive(const FederationStandin& standin) : connection_(loop_.get_executor()) {
        const auto port = std::to_string(standin.port());
        REQUIRE_FALSE(run(connection_.connect("127.0.0.1", port, 10s)));
    }
    Exchange get(std::string target) {
        Exchange out;
        out.error = run(connection_.request("GET", target, "", 10s, out.response));
        return out;
    }
    void close() { connection_.close(); }

private:
    error_code run(net::awaitable<error_code> work) {
        error_code result;
        net::co_spawn(loop_, std::move(work), [&](std::exception_ptr e, error_code ec) {
            if (e) std::rethrow_exception(e);
            result = ec;
        });
        loop_.run();
        loop_.restart();
        return result;
    }
    net::io_context loop_;
    ClientConnection connection_;
};

// Raw bytes in; the bytes that came back and the error that ended the reading.
struct RawEnd {
    std::string bytes;
    error_code error;
};
RawEnd raw_until_end(const FederationStandin& standin, std::string request) {
    net::io_context loop;
    RawEnd out;
    net::co_spawn(
        loop,
        [&]() -> net::awaitable<void> {
            tcp::socket socket(loop);
            const tcp::endpoint target(net::ip::make_address("127.0.0.1"), standin.port());
            if (auto [ec] = co_await socket.async_connect(target, use_nothrow); ec) {
                out.error = ec;
                co_return;
            }
            co_await net::async_write(socket, net::buffer(request), use_nothrow);
            char chunk[4096];
            for (;;) {
                auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_nothrow);
                out.bytes.append(chunk, n);
                if (ec) {
                    out.error = ec;
                    co_return;
                }
            }
        },
        net::detached);
    loop.run();
    return out;
}

template <typename Condition> bool eventually(Condition condition) {
    for (int i = 0; i < 1000 && !condition(); ++i)
        std::this_thread::sleep_for(10ms);
    return condition();
}

const std::string rating_request = "GET /ratings/alice HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Connection: close\r\n\r\n";

} // namespace

TEST_CASE("federation standin: a rating is JSON with the name, the same rating for a name") {
    FederationStandin standin(quick());
    CHECK(standin.url() == "http://127.0.0.1:" + std::to_string(standin.port()) + "/ratings");
    KeepAlive client(standin);
    const auto alice = client.get("/ratings/alice");
    REQUIRE_FALSE(alice.error);
    CHECK(alice.response.status == 200);
    const auto body = nlohmann::json::parse(alice.response.body);
    CHECK(body.at("name") == "alice");
    CHECK(body.at("federation") == "FIDE");
    CHECK(body.at("title").is_null());
    const int rating = body.at("rating").get<int>();
    CHECK(rating >= 1000);
    CHECK(rating < 2800);
    CHECK(rating == FederationStandin::rating_for("alice"));

    const auto again = client.get("/ratings/alice");
    REQUIRE_FALSE(again.error);
    CHECK(nlohmann::json::parse(again.response.body).at("rating") == rating);
    const auto bob = client.get("/ratings/bob");
    REQUIRE_FALSE(bob.error);
    CHECK(nlohmann::json::parse(bob.response.body).at("name") == "bob");
    CHECK(nlohmann::json::parse(bob.response.body).at("rating") ==
          FederationStandin::rating_for("bob"));

    // The head as sent, and Connection: close honoured.
    const auto raw = raw_exchange(endpoint_of(standin), rating_request);
    CAPTURE(raw.bytes);
    CHECK(raw.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(raw.bytes.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(raw.bytes.find("Connection: close\r\n") != std::string::npos);
    CHECK(raw.closed_by_server);
}

TEST_CASE("federation standin: two requests on one keep-alive connection count once as a "
          "connection and twice as requests") {
    FederationStandin standin(quick());
    {
        KeepAlive client(standin);
        CHECK(client.get("/ratings/alice").response.status == 200);
        CHECK(client.get("/ratings/bob").response.status == 200);
        CHECK(standin.connections_accepted() == 1);
        CHECK(standin.connections_open() == 1);
        CHECK(standin.requests() == 2);
        client.close();
    }
    CHECK(eventually([&] { return standin.connections_open() == 0; }));
    CHECK(standin.most_connections_open() == 1);
    CHECK(standin.connections_accepted() == 1);
}

TEST_CASE("federation standin: status_500 answers 500 with a JSON error, ok again after") {
    FederationStandin standin(quick());
    KeepAlive client(standin);
    standin.set_behaviour(Behaviour::status_500);
    const auto failed = client.get("/ratings/alice");
    REQUIRE_FALSE(failed.error);
    CHECK(failed.response.status == 500);
    CHECK(nlohmann::json::parse(failed.response.body).contains("error"));
    standin.set_behaviour(Behaviour::ok);
    const auto ok = client.get("/ratings/alice"); // the same connection: it stayed open
    REQUIRE_FALSE(ok.error);
    CHECK(ok.response.status == 200);
    CHECK(standin.connections_accepted() == 1);
}

TEST_CASE("federation standin: garbage is a 200 whose body is not JSON") {
    FederationStandin standin(quick());
    standin.set_behaviour(Behaviour::garbage);
    KeepAlive client(standin);
    const auto answer = client.get("/ratings/alice");
    REQUIRE_FALSE(answer.error);
    CHECK(answer.response.status == 200);
    CHECK_FALSE(answer.response.body.empty());
    const auto parse = [&] { return nlohmann::json::parse(answer.response.body).dump(); };
    CHECK_THROWS_AS(parse(), nlohmann::json::parse_error);
    const auto raw = raw_exchange(endpoint_of(standin), rating_request);
    CHECK(raw.bytes.find("Content-Type: application/json\r\n") != std::string::npos);
}

TEST_CASE("federation standin: reset starts a head, then resets the connection") {
    FederationStandin standin(quick());
    standin.set_behaviour(Behaviour::reset);
    const auto raw = raw_until_end(standin, rating_request);
    CAPTURE(raw.bytes);
    CAPTURE(raw.error.message());
    CHECK(raw.error == net::error::connection_reset);
    CHECK(std::string("HTTP/1.1 200 OK\r\nContent-Le").starts_with(raw.bytes));
    CHECK(raw.bytes.find("\r\n\r\n") == std::string::npos);

    KeepAlive client(standin);
    const auto answer = client.get("/ratings/alice");
    CHECK(answer.error); // no whole answer
    CHECK(answer.response.status != 200);
}

TEST_CASE("federation standin: not_http writes a line that is no status line, then closes") {
    FederationStandin standin(quick());
    standin.set_behaviour(Behaviour::not_http);
    const auto raw = raw_exchange(endpoint_of(standin), rating_request);
    CAPTURE(raw.bytes);
    CHECK_FALSE(raw.bytes.empty());
    CHECK_FALSE(raw.bytes.starts_with("HTTP/"));
    CHECK(raw.closed_by_server);

    KeepAlive client(standin);
    CHECK(client.get("/ratings/alice").error);
}

TEST_CASE("federation standin: a failure rate of 0.5 fails some of 40 requests and answers the "
          "others, the same ones with the same seed") {
    const auto statuses = [] {
        FederationStandin standin(quick());
        standin.set_fail_with(Behaviour::status_500);
        standin.set_failure_rate(0.5);
        KeepAlive client(standin);
        std::vector<int> out;
        for (int i = 0; i < 40; ++i) {
            const auto answer = client.get("/ratings/alice");
            REQUIRE_FALSE(answer.error);
            out.push_back(answer.response.status);
        }
        CHECK(standin.connections_accepted() == 1);
        return out;
    };
    const auto first = statuses();
    const auto failed = std::count(first.begin(), first.end(), 500);
    const auto answered = std::count(first.begin(), first.end(), 200);
    CHECK(failed > 0);
    CHECK(answered > 0);
    CHECK(failed + answered == 40);
    CHECK(statuses() == first);
}

TEST_CASE("federation standin: a failure rate of 1 fails every request, 0 gives the behaviour") {
    FederationStandin standin(quick());
    KeepAlive client(standin);
    standin.set_fail_with(Behaviour::garbage);
    standin.set_failure_rate(1.0);
    for (int i = 0; i < 5; ++i) {
        const auto answer = client.get("/ratings/alice");
        REQUIRE_FALSE(answer.error);
        CHECK(answer.response.body == "<html>rating service maintenance</html>");
    }
    standin.set_failure_rate(0);
    CHECK(client.get("/ratings/alice").response.body.starts_with("{\"name\":\"alice\""));
}

TEST_CASE("federation standin: other paths are 404 JSON, an oversized head closes") {
    FederationStandin standin(quick());
    KeepAlive client(standin);
    for (const char* target : {"/nope", "/ratings", "/ratings/", "/ratings/a/b", "/rating/alice"}) {
        CAPTURE(target);
        const auto answer = client.get(target);
        REQUIRE_FALSE(answer.error);
        CHECK(answer.response.status == 404);
        CHECK(nlohmann::json::parse(answer.response.body).contains("error"));
    }
    const auto oversized = raw_exchange(
        endpoint_of(standin),
        "GET /ratings/alice HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
    CHECK(oversized.bytes.empty());
    CHECK(oversized.closed_by_server);
    CHECK(client.get("/ratings/alice").response.status == 200); // still serving
}

TEST_CASE("federation standin: a request waiting out its latency holds no other back") {
    FederationStandin standin(quick());
    standin.set_latency(std::chrono::minutes(10));
    net::io_context slow_loop;
    std::atomic<bool> slow_answered{false};
    net::co_spawn(
        slow_loop,
        [&]() -> net::awaitable<void> {
            ClientConnection connection(co_await net::this_coro::executor);
            if (co_await connection.connect("127.0.0.1", std::to_string(standin.port()), 10s))
                co_return;
            HttpResponse response;
            if (!co_await connection.request("GET", "/ratings/slow", "", std::chrono::minutes(20),
                                             response))
                slow_answered = true;
        },
        net::detached);
    std::thread slow_thread([&] { slow_loop.run(); });
    // The slow request is in and waits; a request after it is answered first.
    REQUIRE(eventually([&] { return standin.requests() == 1; }));
    standin.set_latency(0ms);
    KeepAlive fast(standin);
    CHECK(fast.get("/ratings/fast").response.status == 200);
    CHECK_FALSE(slow_answered);
    CHECK(standin.requests() == 2);
    CHECK(standin.most_connections_open() == 2);
    slow_loop.stop();
    slow_thread.join();
}
