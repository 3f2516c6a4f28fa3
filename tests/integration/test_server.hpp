#pragma once
// An in-process ranking-server on free loopback ports, run on its own thread for one test.
#include "club.hpp"
#include "fetch.hpp"
#include "ranking_server.hpp"
#include "temp_database.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <thread>

namespace ranking::testing {

inline constexpr const char* test_secret = "test-secret";

// Free loopback ports, a known secret, a cheap hash unless asked otherwise.
inline ServerConfig test_config(WorkPlacement mode = WorkPlacement::offload,
                                std::uint32_t iterations = 1000) {
    ServerConfig config;
    config.port = 0;
    config.admin_port = 0;
    config.mode = mode;
    config.hash_iterations = iterations;
    config.secret = test_secret;
    // The pool and the storage thread as equals of the loop: these tests assert orderings, and
    // at SCHED_IDLE (the server's default) they can starve for seconds while a parallel build
    // fills the cores. test_pool_priority.cpp sets the priorities it checks.
    config.pool_priority = {BackgroundPriorityKind::normal, 0};
    config.storage_priority = {BackgroundPriorityKind::normal, 0};
    return config;
}

class TestServer {
public:
    explicit TestServer(WorkPlacement mode = WorkPlacement::offload,
                        std::uint32_t iterations = 1000)
        : TestServer(test_config(mode, iterations)) {}
    // Its own database unless `config` names one (then the file outlives the server).
    explicit TestServer(ServerConfig config)
        : server_(with_database(std::move(config), database_), [] { return generate_club(200); }),
          loop_thread_([this] { server_.run(); }) {}
    ~TestServer() {
        server_.request_stop();
        loop_thread_.join();
    }
    HttpEndpoint data() const { return {"127.0.0.1", std::to_string(server_.data_port())}; }
    HttpEndpoint admin() const { return {"127.0.0.1", std::to_string(server_.admin_port())}; }
    RankingServer& server() { return server_; }

private:
    static ServerConfig with_database(ServerConfig config, const TempDatabase& database) {
        if (config.store.file == SqliteStoreConfig{}.file) config.store.file = database.path();
        return config;
    }
    TempDatabase database_; // first: removed after the server is gone
    RankingServer server_;
    std::thread loop_thread_;
};

// One request on a fresh connection, run to completion on a private io_context.
// A POST's body goes as JSON, as the data plane requires.
inline std::string content_type_for(const std::string& method) {
    return method == "POST" ? "application/json" : "";
}

inline FetchResult request(const HttpEndpoint& endpoint, std::string method, std::string target,
                           std::string body = {}) {
    net::io_context loop;
    FetchResult result;
    const auto content_type = content_type_for(method);
    net::co_spawn(loop,
                  fetch(endpoint, FetchPlan{std::move(method), std::move(target), std::move(body),
                                            std::chrono::seconds(10), content_type}),
                  [&](std::exception_ptr e, FetchResult r) {
                      if (e) std::rethrow_exception(e);
                      result = std::move(r);
                  });
    loop.run();
    return result;
}

// Sends one request `delay_ms` after connecting and hands its answer to `answered` once it is
// in (the lesson's tests compare who was answered first).
struct Ask {
    std::string method;
    std::string target;
    std::string body = {};
};
inline net::awaitable<void> ask_after(HttpEndpoint endpoint, Ask ask, int delay_ms,
                                      std::function<void(HttpResponse&)> answered) {
    ClientConnection connection(co_await net::this_coro::executor);
    auto connecting = connection.connect(endpoint.host, endpoint.port, std::chrono::seconds(10));
    if (co_await std::move(connecting)) co_return;
    net::steady_timer wait(co_await net::this_coro::executor, std::chrono::milliseconds(delay_ms));
    co_await wait.async_wait(use_nothrow);
    HttpResponse response;
    const auto content_type = content_type_for(ask.method); // outlives the lazy request below
    auto exchange = connection.request(ask.method, ask.target, ask.body, std::chrono::seconds(30),
                                       response, content_type);
    if (co_await std::move(exchange)) co_return;
    answered(response);
}

// The same, appending `label` to `order` once any answer is in.
inline net::awaitable<void> ask_after(HttpEndpoint endpoint, Ask ask, int delay_ms,
                                      std::string label, std::vector<std::string>& order) {
    return ask_after(std::move(endpoint), std::move(ask), delay_ms,
                     [label = std::move(label), &order](HttpResponse&) { order.push_back(label); });
}

// Raw bytes in, raw bytes out: writes `bytes` (then half-closes if asked) and reads until the
// server closes or `patience` runs out. `closed_by_server` tells which.
struct RawAnswer {
    std::string bytes;
    bool closed_by_server = false;
};

inline net::awaitable<void> raw_exchange_on(tcp::socket& socket, tcp::endpoint endpoint,
                                            std::string bytes, bool half_close, RawAnswer& out) {
    auto [connect_ec] = co_await socket.async_connect(endpoint, use_nothrow);
    if (connect_ec) co_return;
    if (!bytes.empty()) co_await net::async_write(socket, net::buffer(bytes), use_nothrow);
    if (half_close) socket.shutdown(tcp::socket::shutdown_send);
    char chunk[4096];
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_nothrow);
        out.bytes.append(chunk, n);
        if (ec) {
            out.closed_by_server = ec == net::error::eof || ec == net::error::connection_reset;
            co_return;
        }
    }
}

inline RawAnswer raw_exchange(const HttpEndpoint& endpoint, std::string bytes,
                              bool half_close = false,
                              std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    net::io_context loop;
    tcp::socket socket(loop);
    net::steady_timer give_up(loop, patience);
    give_up.async_wait([&](error_code ec) {
        if (!ec) socket.close(); // our patience ran out first: not closed by the server
    });
    RawAnswer answer;
    const tcp::endpoint target(net::ip::make_address(endpoint.host),
                               static_cast<std::uint16_t>(std::stoi(endpoint.port)));
    net::co_spawn(loop, raw_exchange_on(socket, target, std::move(bytes), half_close, answer),
                  [&](std::exception_ptr) { give_up.cancel(); });
    loop.run();
    return answer;
}

} // namespace ranking::testing
