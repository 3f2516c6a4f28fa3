// Hostile clients and hostile pages: framing with hard bounds, the answer budget, the admin
// plane's Host and Origin checks, the data plane's 415 and write token, HEAD, the per-client cap
// and the admin plane's own cap. Outcomes and orderings, not timings.
#include "dashboard_location.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/read.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace ranking;
using namespace ranking::testing;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
           "Connection: close\r\n\r\n";
}

std::string post_game(const std::string& id, const std::string& extra) {
    const std::string body =
        R"({"id":")" + id + R"(","white":"alice","black":"bob","result":"1-0"})";
    return "POST /games HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

// Connects `connection` and asks `target` once on it: the connection then stays open, counted.
int hold(net::io_context& loop, ClientConnection& connection, const HttpEndpoint& endpoint,
         const std::string& target) {
    HttpResponse response;
    net::co_spawn(loop, connection.connect(endpoint.host, endpoint.port, std::chrono::seconds(5)),
                  net::detached);
    loop.run();
    loop.restart();
    net::co_spawn(loop, connection.request("GET", target, "", std::chrono::seconds(5), response),
                  net::detached);
    loop.run();
    loop.restart();
    return response.status;
}

std::string admin_mode(const TestServer& server) {
    return request(server.admin(), "GET", "/mode").response.body;
}

} // namespace

TEST_CASE("chunked bodies are refused at the header (411), before a chunk-size line is read") {
    TestServer server;
    // A chunk-size line that never ends: refused as soon as the header is in, so the endless
    // rest is never buffered (the connection closes after the answer).
    const auto endless = raw_exchange(
        server.data(), "POST /games HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                       "Content-Type: application/json\r\n\r\n1;" +
                           std::string(64 * 1024, 'a'));
    CAPTURE(endless.bytes);
    CHECK(starts_with(endless.bytes, "HTTP/1.1 411"));
    CHECK(has(endless.bytes, "Content-Length"));
    CHECK(endless.closed_by_server);
    const auto trailer = raw_exchange(
        server.data(), "POST /games HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                       "\r\n0\r\nX-Trailer: " +
                           std::string(64 * 1024, 'b'));
    CHECK(starts_with(trailer.bytes, "HTTP/1.1 411"));
    CHECK(request(server.data(), "GET", "/healthz").response.status == 200);
}

TEST_CASE("a header sent a field at a time is still bounded (431), not only one long field") {
    TestServer server;
    std::string fields;
    for (int i = 0; fields.size() < 9000; ++i)
        fields += "X-Field-" + std::to_string(i) + ": " + std::string(20, 'v') + "\r\n";
    const auto answer = raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                                        fields + "\r\n");
    CAPTURE(answer.bytes);
    CHECK(starts_with(answer.bytes, "HTTP/1.1 431"));
}

TEST_CASE("Host: none in HTTP/1.1 or two is 400, HTTP/1.0 needs none") {
    TestServer server;
    CHECK(starts_with(raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\n\r\n").bytes,
                      "HTTP/1.1 400"));
    const auto two =
        raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    CHECK(starts_with(two.bytes, "HTTP/1.1 400"));
    CHECK(has(two.bytes, "more than one Host"));
    CHECK(starts_with(raw_exchange(server.data(), "GET /healthz HTTP/1.0\r\n\r\n").bytes,
                      "HTTP/1.1 200"));
}

TEST_CASE("HEAD answers as GET does, with the same Content-Length and no body") {
    TestServer server;
    const auto got = raw_exchange(server.data(), get("/players/alice"));
    const auto head = raw_exchange(server.data(), "HEAD /players/alice HTTP/1.1\r\nHost: "
                                                  "127.0.0.1\r\nConnection: close\r\n\r\n");
    const auto length = [](const std::string& bytes) {
        const auto at = bytes.find("Content-Length: ");
        return bytes.substr(at, bytes.find("\r\n", at) - at);
    };
    REQUIRE(starts_with(got.bytes, "HTTP/1.1 200"));
    REQUIRE(starts_with(head.bytes, "HTTP/1.1 200"));
    CHECK(length(head.bytes) == length(got.bytes));
    CHECK(head.bytes.size() == head.bytes.find("\r\n\r\n") + 4); // the head only
    CHECK(starts_with(raw_exchange(server.admin(), "HEAD /metrics HTTP/1.1\r\nHost: "
                                                   "localhost\r\nConnection: close\r\n\r\n")
                          .bytes,
                      "HTTP/1.1 200"));
}

TEST_CASE("POST /games wants application/json (415 otherwise) and, when set, the write token") {
    auto config = test_config();
    config.write_token = "w-token";
    TestServer server(config);
    const auto text =
        raw_exchange(server.data(), post_game("h-1", "Content-Type: text/plain\r\n"
                                                     "Authorization: Bearer w-token\r\n"));
    CAPTURE(text.bytes);
    CHECK(starts_with(text.bytes, "HTTP/1.1 415"));
    const auto none =
        raw_exchange(server.data(), post_game("h-1", "Content-Type: application/json\r\n"));
    CHECK(starts_with(none.bytes, "HTTP/1.1 401"));
    CHECK(has(none.bytes, "WWW-Authenticate: Bearer"));
    CHECK(starts_with(
        raw_exchange(server.data(), post_game("h-1", "Content-Type: application/json\r\n"
                                                     "Authorization: Bearer guess\r\n"))
            .bytes,
        "HTTP/1.1 403"));
    const auto stored = raw_exchange(
        server.data(), post_game("h-1", "Content-Type: application/json; charset=utf-8\r\n"
                                        "Authorization: bearer w-token\r\n"));
    CAPTURE(stored.bytes);
    CHECK(starts_with(stored.bytes, "HTTP/1.1 201"));
    // A page elsewhere (a DNS-rebinding one too, which the browser deems same-origin) may not.
    const auto foreign =
        raw_exchange(server.data(), post_game("h-2", "Content-Type: application/json\r\n"
                                                     "Authorization: Bearer w-token\r\n"
                                                     "Origin: http://attacker.example:8080\r\n"));
    CHECK(starts_with(foreign.bytes, "HTTP/1.1 403"));
    CHECK(starts_with(
        raw_exchange(server.data(), post_game("h-3", "Content-Type: application/json\r\n"
                                                     "Authorization: Bearer w-token\r\n"
                                                     "Origin: http://localhost:8080\r\n"))
            .bytes,
        "HTTP/1.1 201"));
    // Reads need no token.
    CHECK(request(server.data(), "GET", "/games/h-1").response.status == 200);
}

TEST_CASE("the admin plane answers only to its own names, and foreign pages cannot change it") {
    TestServer server;
    const auto mode_before = admin_mode(server);
    const auto put = [](const std::string& extra) {
        return "PUT /mode HTTP/1.1\r\n" + extra +
               "Content-Length: 6\r\nConnection: close\r\n\r\ninline";
    };
    // DNS rebinding: the page's own name arrives as the Host.
    const auto rebound = raw_exchange(server.admin(), put("Host: attacker.example:8081\r\n"));
    CAPTURE(rebound.bytes);
    CHECK(starts_with(rebound.bytes, "HTTP/1.1 421"));
    CHECK(starts_with(
        raw_exchange(server.admin(),
                     get("/metrics").replace(get("/metrics").find("127.0.0.1"), 9, "evil.example"))
            .bytes,
        "HTTP/1.1 421"));
    // A page elsewhere posting to our own name.
    const auto foreign = raw_exchange(server.admin(), put("Host: 127.0.0.1\r\n"
                                                          "Origin: http://attacker.example\r\n"));
    CHECK(starts_with(foreign.bytes, "HTTP/1.1 403"));
    CHECK(
        starts_with(raw_exchange(server.admin(), put("Host: localhost\r\nOrigin: null\r\n")).bytes,
                    "HTTP/1.1 403"));
    CHECK(admin_mode(server) == mode_before); // nothing changed
    // The dashboard itself, same origin, and tools without an Origin, may.
    const auto own = raw_exchange(server.admin(), put("Host: localhost:1\r\n"
                                                      "Origin: http://localhost:1\r\n"));
    CHECK(starts_with(own.bytes, "HTTP/1.1 200"));
    CHECK(has(admin_mode(server), "inline"));
}

TEST_CASE("admin answers cannot be framed, the dashboard's files need no token, the rest does") {
    auto config = test_config();
    config.admin_token = "a-token";
    config.dashboard_directory = default_dashboard_directory(); // the build tree's copy
    TestServer server(config);
    const auto page = raw_exchange(server.admin(), get("/"));
    CAPTURE(page.bytes);
    CHECK(starts_with(page.bytes, "HTTP/1.1 200"));
    CHECK(has(page.bytes, "X-Frame-Options: DENY"));
    CHECK(has(page.bytes, "frame-ancestors 'none'"));
    CHECK(starts_with(raw_exchange(server.admin(), get("/dashboard.js")).bytes, "HTTP/1.1 200"));
    const auto events = raw_exchange(server.admin(), get("/events"));
    CHECK(starts_with(events.bytes, "HTTP/1.1 401"));
    CHECK(has(events.bytes, "X-Frame-Options: DENY"));
}

TEST_CASE("the dashboard's page, and no other, may read the data plane's /healthz answers") {
    TestServer server(test_config());
    const auto dashboard = "http://127.0.0.1:" + server.admin().port;
    const auto allowed =
        raw_exchange(server.data(), get("/healthz", "Origin: " + dashboard + "\r\n"));
    CAPTURE(allowed.bytes);
    CHECK(starts_with(allowed.bytes, "HTTP/1.1 200"));
    CHECK(has(allowed.bytes, "Access-Control-Allow-Origin: " + dashboard + "\r\n"));
    CHECK(has(allowed.bytes, "Vary: Origin"));
    for (const std::string& origin :
         {"http://attacker.example:" + server.admin().port,
          "http://127.0.0.1:" + server.data().port, std::string("null")}) {
        const auto refused =
            raw_exchange(server.data(), get("/healthz", "Origin: " + origin + "\r\n"));
        CAPTURE(refused.bytes);
        CHECK(starts_with(refused.bytes, "HTTP/1.1 200")); // answered, but not readable there
        CHECK_FALSE(has(refused.bytes, "Access-Control-Allow-Origin"));
    }
    const auto lookup =
        raw_exchange(server.data(), get("/players/alice", "Origin: " + dashboard + "\r\n"));
    CHECK_FALSE(has(lookup.bytes, "Access-Control-Allow-Origin")); // /healthz only
    // Two requests on one connection, the second without Origin: the header does not linger in
    // the connection's reused answer.
    const auto both = raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                  "Origin: " +
                                                      dashboard + "\r\n\r\n" + get("/healthz"));
    CAPTURE(both.bytes);
    const auto second = both.bytes.find("HTTP/1.1 200", 1);
    REQUIRE(second != std::string::npos);
    CHECK(has(both.bytes.substr(0, second), "Access-Control-Allow-Origin"));
    CHECK_FALSE(has(both.bytes.substr(second), "Access-Control-Allow-Origin"));
    const auto page = raw_exchange(server.admin(), get("/"));
    CHECK(has(page.bytes, "connect-src 'self' http://127.0.0.1:" + server.data().port + "\r\n"));
}

TEST_CASE("one client may hold only its share of connections, a freed one may be taken again") {
    auto config = test_config();
    config.max_connections_per_client = 2;
    config.cap_loopback = true; // tests connect from loopback
    TestServer server(config);
    net::io_context loop;
    const auto data = server.data();
    auto first = std::make_unique<ClientConnection>(loop.get_executor());
    ClientConnection second(loop.get_executor());
    CHECK(hold(loop, *first, data, "/healthz") == 200);
    // A HEAD before: the refusal below borrows the memory its exchange went back with.
    CHECK(starts_with(raw_exchange(data, "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Connection: close\r\n\r\n")
                          .bytes,
                      "HTTP/1.1 200"));
    CHECK(hold(loop, second, data, "/healthz") == 200);
    const auto third = raw_exchange(data, get("/healthz"));
    CHECK(starts_with(third.bytes, "HTTP/1.1 503"));
    CHECK(has(third.bytes, "too many connections from your address"));
    CHECK(has(third.bytes, "Retry-After: 1"));
    first.reset(); // closed: once the server has seen it go, its place is free again
    std::string again;
    for (int i = 0; i < 100 && !starts_with(again, "HTTP/1.1 200"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        again = raw_exchange(data, get("/healthz")).bytes;
    }
    CHECK(starts_with(again, "HTTP/1.1 200"));
}

TEST_CASE("the admin plane has its own cap, and answers while the data plane is full") {
    auto config = test_config();
    config.limits.max_connections = 1;
    config.admin_max_connections = 1;
    TestServer server(config);
    net::io_context loop;
    ClientConnection data_held(loop.get_executor()), admin_held(loop.get_executor());
    const auto data = server.data();
    REQUIRE(hold(loop, data_held, data, "/healthz") == 200);
    CHECK(starts_with(raw_exchange(data, get("/healthz")).bytes, "HTTP/1.1 503")); // data full
    CHECK(request(server.admin(), "GET", "/metrics").response.status == 200);      // admin answers
    const auto admin = server.admin();
    CHECK(hold(loop, admin_held, admin, "/mode") == 200);
    const auto refused = raw_exchange(admin, get("/mode"));
    CHECK(starts_with(refused.bytes, "HTTP/1.1 503")); // the admin plane's own cap
}

namespace {

// `count` games between alice and bob, posted from 20 connections at once.
net::awaitable<void> post_games(HttpEndpoint data, int first, int count) {
    ClientConnection connection(co_await net::this_coro::executor);
    auto connecting = connection.connect(data.host, data.port, std::chrono::seconds(5));
    if (co_await std::move(connecting)) co_return;
    for (int i = first; i < first + count; ++i) {
        const std::string body = R"({"id":"budget-)" + std::to_string(i) +
                                 R"(","white":"alice","black":"bob","result":"1/2-1/2"})";
        HttpResponse response;
        auto posting = connection.request("POST", "/games", body, std::chrono::seconds(10),
                                          response, "application/json");
        if (co_await std::move(posting)) co_return;
    }
}

void seed_games(const HttpEndpoint& data, int count) {
    net::io_context loop;
    constexpr int connections = 20;
    for (int c = 0; c < connections; ++c)
        net::co_spawn(loop, post_games(data, c * (count / connections), count / connections),
                      net::detached);
    loop.run();
}

// A client that asks for a page and then reads nothing: a receive buffer as small as the kernel
// allows, so that the answer stays with the server.
struct NonReader {
    net::io_context loop;
    tcp::socket socket{loop};
    NonReader(const HttpEndpoint& data, const std::string& target) {
        socket.open(tcp::v4());
        socket.set_option(net::socket_base::receive_buffer_size(1024));
        socket.connect(
            {net::ip::make_address(data.host), static_cast<std::uint16_t>(std::stoi(data.port))});
        net::write(socket, net::buffer(get(target)));
    }
    // What came before the server closed the connection (it must close it: we wait at most 5 s).
    std::string read_until_closed() {
        std::string bytes;
        net::steady_timer give_up(loop, std::chrono::seconds(5));
        give_up.async_wait([this](error_code ec) {
            if (!ec) socket.close();
        });
        char chunk[65536];
        std::function<void(error_code, std::size_t)> on_read = [&](error_code ec, std::size_t n) {
            bytes.append(chunk, n);
            if (ec) {
                give_up.cancel();
                return;
            }
            socket.async_read_some(net::buffer(chunk), on_read);
        };
        socket.async_read_some(net::buffer(chunk), on_read);
        loop.run();
        return bytes;
    }
};

} // namespace

TEST_CASE("answers waiting for readers that never read are budgeted: large new pages get 503 "
          "until the write timeout closes the non-reader") {
    auto config = test_config();
    // One page of 10,000 games (about 6 MB written, 8.4 MB reserved while it is read) fits, two
    // do not. A smaller page would not wait: on loopback the kernel takes a couple of megabytes
    // of a connection's answer at once, whatever its reader does.
    config.answer_budget_bytes = 9 * 1024 * 1024;
    config.limits.write_timeout = std::chrono::milliseconds(300);
    TestServer server(config);
    const auto data = server.data();
    seed_games(data, 10'000);
    REQUIRE(request(data, "GET", "/games/budget-9999").response.status == 200);

    NonReader stuck(data, "/games?limit=10000");
    // Once its page holds the budget, another page of that size does not fit.
    FetchResult second;
    for (int i = 0; i < 100; ++i) {
        second = request(data, "GET", "/games?limit=10000");
        if (second.response.status == 503) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(second.response.status == 503);
    CHECK(second.response.retry_after == "1");
    CHECK(has(second.response.body, "slow readers"));
    CHECK(request(data, "GET", "/games?limit=10").response.status == 200); // small pages pass
    CHECK(request(data, "GET", "/players/bob").response.status == 200);

    // Nothing taken for the write timeout: closed, part of its page unsent, the budget back.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto received = stuck.read_until_closed();
    CHECK(starts_with(received, "HTTP/1.1 200"));
    const auto whole = request(data, "GET", "/games?limit=10000");
    CHECK(whole.response.status == 200);
    CHECK(received.size() < whole.response.body.size());
}
