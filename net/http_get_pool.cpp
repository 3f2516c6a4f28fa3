#include "http_get_pool.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace ranking {
namespace {

std::chrono::milliseconds left_until(HttpGetPool::Clock::time_point deadline) {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - HttpGetPool::Clock::now()));
}

ServiceAnswer failed(CallFailure failure, std::string detail) {
    return ServiceAnswer{failure, 0, {}, std::move(detail)};
}

ServiceAnswer failed_request(const error_code& ec) {
    if (ec == boost::beast::error::timeout) return failed(CallFailure::timeout, ec.message());
    if (ec == boost::beast::http::error::body_limit)
        return failed(CallFailure::too_large, ec.message());
    return failed(CallFailure::broken, ec.message());
}

// The service closed a kept connection while it idled: the request found it gone.
bool closed_while_kept(const error_code& ec) {
    return ec == boost::beast::http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

} // namespace

HttpGetPool::HttpGetPool(net::any_io_executor executor, HttpEndpoint service,
                         std::size_t max_connections, std::uint64_t max_body)
    : executor_(std::move(executor)), service_(std::move(service)),
      max_connections_(std::max<std::size_t>(1, max_connections)), max_body_(max_body) {}

net::awaitable<HttpGetPool::Kept> HttpGetPool::take(Clock::time_point deadline) {
    if (!idle_.empty()) {
        auto kept = std::move(idle_.back());
        idle_.pop_back();
        co_return kept;
    }
    if (open_ < max_connections_) {
        ++open_;
        co_return Kept{std::make_unique<ClientConnection>(executor_), false};
    }
    Waiter waiter{net::steady_timer(executor_, deadline), false, Kept{}};
    waiters_.push_back(&waiter);
    co_await waiter.timer.async_wait(use_nothrow);
    if (!waiter.served) { // the deadline came first
        waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
        co_return Kept{};
    }
    if (!waiter.kept.connection)
        waiter.kept.connection = std::make_unique<ClientConnection>(executor_);
    co_return std::move(waiter.kept);
}

void HttpGetPool::give_back(Kept kept, bool reusable) {
    if (!reusable) {
        kept = Kept{};
        --open_;
    }
    if (!waiters_.empty()) { // the oldest waiter gets it, or the freed place to open one in
        auto* waiter = waiters_.front();
        waiters_.pop_front();
        waiter->served = true;
        if (!reusable) ++open_;
        waiter->kept = std::move(kept);
        waiter->timer.cancel();
        return;
    }
    if (reusable) idle_.push_back(std::move(kept));
}

net::awaitable<ServiceAnswer> HttpGetPool::get(std::string target, Clock::time_point deadline) {
    for (int attempt = 0;; ++attempt) {
        auto taking = take(deadline);
        auto kept = co_await std::move(taking);
        if (!kept.connection)
            co_return failed(CallFailure::timeout, "all " + std::to_string(max_connections_) +
                                                       " connections busy until the deadline");
        const bool reused = kept.connected;
        if (!kept.connected) {
            auto connecting =
                kept.connection->connect(service_.host, service_.port, left_until(deadline));
            const auto ec = co_await std::move(connecting);
            if (ec) {
                give_back(std::move(kept), false);
                co_return ec == boost::beast::error::timeout
                    ? failed(CallFailure::timeout, ec.message())
                    : failed(CallFailure::unreachable, ec.message());
            }
            kept.connection->set_body_limit(max_body_);
            kept.connected = true;
        }
        HttpResponse response;
        auto requesting =
            kept.connection->request("GET", target, {}, left_until(deadline), response);
        const auto ec = co_await std::move(requesting);
        if (!ec) {
            give_back(std::move(kept), response.keep_alive);
            co_return ServiceAnswer{
                CallFailure::none, response.status, std::move(response.body), {}};
        }
        give_back(std::move(kept), false);
        const bool nothing_came = response.head_received == Clock::time_point{};
        if (!(reused && nothing_came && closed_while_kept(ec) && attempt == 0))
            co_return failed_request(ec);
        // The service closed it while it idled: those idle as long are closed too. The second
        // try goes out on a new connection.
        open_ -= idle_.size();
        idle_.clear();
    }
}

} // namespace ranking
