#pragma once
// An in-process ranking-server on free loopback ports, run on its own thread for one test.
#include "club.hpp"
#include "fetch.hpp"
#include "ranking_server.hpp"

#include <boost/asio/io_context.hpp>

#include <thread>

namespace ranking::testing {

inline constexpr const char* test_secret = "test-secret";

class TestServer {
public:
    explicit TestServer(HashMode mode = HashMode::offload, std::uint32_t iterations = 1000)
        : server_(make_config(mode, iterations), generate_club(200)),
          loop_thread_([this] { server_.run(); }) {}
    ~TestServer() {
        server_.request_stop();
        loop_thread_.join();
    }
    HttpEndpoint data() const { return {"127.0.0.1", std::to_string(server_.data_port())}; }
    HttpEndpoint admin() const { return {"127.0.0.1", std::to_string(server_.admin_port())}; }
    RankingServer& server() { return server_; }

private:
    static ServerConfig make_config(HashMode mode, std::uint32_t iterations) {
        ServerConfig config;
        config.port = 0;
        config.admin_port = 0;
        config.mode = mode;
        config.hash_iterations = iterations;
        config.secret = test_secret;
        return config;
    }
    RankingServer server_;
    std::thread loop_thread_;
};

// One request on a fresh connection, run to completion on a private io_context.
inline FetchResult request(const HttpEndpoint& endpoint, std::string method, std::string target,
                           std::string body = {}) {
    net::io_context loop;
    FetchResult result;
    net::co_spawn(loop,
                  fetch(endpoint, FetchPlan{std::move(method), std::move(target), std::move(body),
                                            std::chrono::seconds(10)}),
                  [&](std::exception_ptr e, FetchResult r) {
                      if (e) std::rethrow_exception(e);
                      result = std::move(r);
                  });
    loop.run();
    return result;
}

} // namespace ranking::testing
