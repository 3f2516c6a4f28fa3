// Holding under pressure: shedding hashes, the connection cap, idle and slow clients, the admin
// token. Asserted as outcomes and ordering, not as timings.
#include "test_server.hpp"
#include "token.hpp"

#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

struct Outcome {
    std::string what;
    int status = 0;
    std::string retry_after;
};

net::awaitable<void> ask(HttpEndpoint endpoint, std::string target, std::chrono::milliseconds delay,
                         std::vector<Outcome>& outcomes) {
    if (delay.count() > 0) {
        net::steady_timer wait(co_await net::this_coro::executor, delay);
        co_await wait.async_wait(use_nothrow);
    }
    auto fetching =
        fetch(std::move(endpoint), FetchPlan{"GET", target, "", std::chrono::seconds(30)});
    const auto result = co_await std::move(fetching);
    outcomes.push_back({target, result.response.status, result.response.retry_after});
}

std::string bearer_request(const std::string& target, const std::string& authorization) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") +
           "Connection: close\r\n\r\n";
}

} // namespace

TEST_CASE(
    "past --max-pending-hashes, /rank is shed at once with 503 and Retry-After, lookups pass") {
    auto config =
        test_config(WorkPlacement::offload, calibrate_iterations(std::chrono::milliseconds(150)));
    config.max_pending_hashes = 2;
    TestServer server(config);
    net::io_context loop;
    std::vector<Outcome> outcomes; // in the order the answers came
    for (int i = 0; i < 8; ++i)
        net::co_spawn(loop,
                      ask(server.data(), "/rank/alice", std::chrono::milliseconds(0), outcomes),
                      net::detached);
    net::co_spawn(loop, ask(server.data(), "/players/bob", std::chrono::milliseconds(30), outcomes),
                  net::detached);
    loop.run();

    REQUIRE(outcomes.size() == 9);
    int shed = 0, signed_ok = 0;
    std::size_t first_signed = outcomes.size(), last_shed = 0, lookup = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const auto& o = outcomes[i];
        if (o.what == "/players/bob") {
            CHECK(o.status == 200);
            lookup = i;
        } else if (o.status == 503) {
            ++shed;
            last_shed = i;
            CHECK(o.retry_after == "1");
        } else {
            CHECK(o.status == 200);
            ++signed_ok;
            first_signed = std::min(first_signed, i);
        }
    }
    CHECK(shed >= 1);
    CHECK(signed_ok >= 2);
    CHECK(shed + signed_ok == 8);    // nothing accepted was lost
    CHECK(last_shed < first_signed); // the refusals came at once, before any queued hash finished
    CHECK(lookup < first_signed);    // the cheap lookup did not wait for the queue
    const auto metrics = request(server.admin(), "GET", "/metrics").response.body;
    CHECK(metrics.find("ranking_hashes_shed_total " + std::to_string(shed)) != std::string::npos);
}

TEST_CASE("past --max-connections new connections get a 503 while existing ones keep working") {
    auto config = test_config();
    config.limits.max_connections = 2;
    TestServer server(config);
    const auto data = server.data();
    net::io_context loop;
    ClientConnection first(loop.get_executor()), second(loop.get_executor());
    std::vector<int> statuses;
    for (auto* connection : {&first, &second}) {
        net::co_spawn(loop, connection->connect(data.host, data.port, std::chrono::seconds(5)),
                      net::detached);
    }
    loop.run();
    loop.restart();
    // Both are registered once each has been answered once.
    for (auto* connection : {&first, &second}) {
        HttpResponse response;
        net::co_spawn(loop,
                      connection->request("GET", "/healthz", "", std::chrono::seconds(5), response),
                      net::detached);
        loop.run();
        loop.restart();
        statuses.push_back(response.status);
    }
    CHECK(statuses == std::vector<int>{200, 200});

    const auto third = raw_exchange(data, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(third.bytes.rfind("HTTP/1.1 503", 0) == 0);
    CHECK(third.bytes.find("connection limit") != std::string::npos);
    CHECK(third.closed_by_server);

    HttpResponse again;
    net::co_spawn(loop, first.request("GET", "/players/alice", "", std::chrono::seconds(5), again),
                  net::detached);
    loop.run();
    CHECK(again.status == 200);
}

TEST_CASE("a silent connection is closed at the idle timeout, a slow request at the request one") {
    auto config = test_config();
    config.limits.idle_timeout = std::chrono::milliseconds(200);
    config.limits.request_timeout = std::chrono::milliseconds(300);
    TestServer server(config);
    const auto silent = raw_exchange(server.data(), "");
    CHECK(silent.closed_by_server); // before our 5 s of patience
    CHECK(silent.bytes.empty());
    // Slowloris: headers that never end.
    const auto slow = raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: b\r\n");
    CHECK(slow.closed_by_server);
    CHECK(request(server.data(), "GET", "/healthz").response.status == 200);
}

TEST_CASE("an admin plane with a token: 401 without it, 403 when wrong, served when right, never "
          "from the URL") {
    auto config = test_config();
    config.admin_token = "s3cret-token";
    TestServer server(config);
    const auto admin = server.admin();
    const auto none = raw_exchange(admin, bearer_request("/mode", ""));
    CHECK(none.bytes.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(none.bytes.find("WWW-Authenticate: Bearer") != std::string::npos);
    const auto wrong = raw_exchange(admin, bearer_request("/mode", "Bearer guess"));
    CHECK(wrong.bytes.rfind("HTTP/1.1 403", 0) == 0);
    CHECK(wrong.bytes.find("s3cret-token") == std::string::npos); // never echoed
    CHECK(raw_exchange(admin, bearer_request("/mode", "Bearer s3cret-token"))
              .bytes.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(raw_exchange(admin, bearer_request("/mode", "bEaReR s3cret-token"))
              .bytes.rfind("HTTP/1.1 200", 0) == 0); // the scheme in any case
    // Never from the URL: tokens there end up in logs and browser history.
    CHECK(raw_exchange(admin, bearer_request("/metrics?token=s3cret-token", ""))
              .bytes.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_CASE("a stop requested before the loop runs still ends run(), and the port is closed") {
    const TempDatabase file;
    auto config = test_config();
    config.store.file = file.path();
    RankingServer server(config, [] { return generate_club(50); });
    const HttpEndpoint data{"127.0.0.1", std::to_string(server.data_port())};
    server.request_stop(); // queued ahead of everything run() starts: the sweep, the probe
    server.run();          // hung here while the plane's sweep re-armed a timer after the stop
    const auto after = request(data, "GET", "/healthz");
    CHECK(after.error == net::error::connection_refused);
}
