#include "ranking_server.hpp"

#include "admin_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace ranking {
namespace {

// Named coroutines with by-value parameters: GCC 12 mishandles capturing coroutine lambdas.
net::awaitable<Reply> answer_admin(IncomingRequest request, std::atomic<HashMode>& mode) {
    co_return answer_admin_request(request.method, request.target, request.body, mode);
}

// Polls until the plane has no connection left, then lets run() return; forces it at the deadline.
net::awaitable<void> drain(HttpPlane& plane, net::io_context& loop) {
    constexpr auto deadline = std::chrono::milliseconds(4500);
    const auto until = std::chrono::steady_clock::now() + deadline;
    net::steady_timer tick(loop);
    while (!plane.drained()) {
        if (std::chrono::steady_clock::now() >= until) {
            loop.stop();
            co_return;
        }
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(use_nothrow);
    }
}

} // namespace

RankingServer::RankingServer(ServerConfig config, const std::vector<Player>& roster)
    : config_(std::move(config)), mode_(config_.mode), ranking_(roster),
      hash_pool_(config_.pool_threads), data_context_{ranking_, mode_, hash_pool_, config_.secret,
                                                      config_.hash_iterations},
      data_plane_(
          data_loop_, config_.address, config_.port,
          [this](IncomingRequest request) {
              return answer_data_request(std::move(request), data_context_);
          },
          config_.limits, data_connections_, "ranking-server data"),
      admin_plane_(
          admin_loop_, config_.admin_address, config_.admin_port,
          [this](IncomingRequest request) { return answer_admin(std::move(request), mode_); },
          config_.limits, admin_connections_, "ranking-server admin") {}

RankingServer::~RankingServer() {
    request_stop();
    if (admin_thread_.joinable()) admin_thread_.join();
    hash_pool_.join();
}

void RankingServer::run() {
    admin_plane_.start();
    admin_thread_ = std::thread([this] { admin_loop_.run(); });
    data_plane_.start();
    data_loop_.run();
    // The data loop is done; results still on the pool are posted into a loop that no longer
    // runs and are destroyed with it.
    hash_pool_.join();
    admin_thread_.join();
}

void RankingServer::request_stop() {
    net::post(admin_loop_, [this] {
        admin_plane_.begin_stop();
        admin_loop_.stop();
    });
    net::post(data_loop_, [this] {
        data_plane_.begin_stop();
        net::co_spawn(data_loop_, drain(data_plane_, data_loop_), net::detached);
    });
}

} // namespace ranking
