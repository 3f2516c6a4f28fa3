#include "http_plane.hpp"

#include "failure_log.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>

namespace ranking {
namespace {

constexpr int listen_backlog = 4096;

// "127.0.0.1:8080", "[::1]:8080".
std::string host_and_port(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address().to_string();
    const auto host = endpoint.address().is_v6() ? "[" + address + "]" : address;
    return host + ":" + std::to_string(endpoint.port());
}

net::awaitable<void> accept_loop(LoopAcceptor& acceptor, const PlaneSetting& plane) {
    auto executor = co_await net::this_coro::executor;
    // Out of descriptors, accept fails every 50 ms pause: one line a minute, with the count.
    FailureLog failures(plane.name + ": accept", std::chrono::seconds(60));
    tcp::endpoint peer;
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(peer, use_nothrow);
        if (!acceptor.is_open() || ec == net::error::operation_aborted) co_return;
        if (ec) {
            failures.failed(ec.message());
            net::steady_timer pause(executor, std::chrono::milliseconds(50)); // do not spin
            co_await pause.async_wait(use_nothrow);
            continue;
        }
        failures.succeeded();
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (plane.registry.size() >= plane.limits.max_connections) {
            plane.registry.count_refused();
            refuse_connection(std::move(socket), plane,
                              "server at its connection limit (" +
                                  std::to_string(plane.limits.max_connections) + ")");
            continue;
        }
        // An IPv4 peer of a plane bound to :: arrives as ::ffff:a.b.c.d: counted as itself.
        auto address = peer.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped())
            address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
        const bool counted =
            plane.max_per_client > 0 && (plane.cap_loopback || !address.is_loopback());
        if (counted && plane.registry.connections_from(address) >= plane.max_per_client) {
            plane.registry.count_refused();
            refuse_connection(std::move(socket), plane,
                              "too many connections from your address (" +
                                  std::to_string(plane.max_per_client) + ")");
            continue;
        }
        start_session(std::move(socket), plane, counted ? &address : nullptr);
    }
}

// The plane's one timer for every connection's timeouts, until stop_sweeping().
// `sweeping` is read before each wait: a stop that came before this coroutine first ran (the
// server stopped before its loop did) must not leave it waiting on a timer nobody cancels.
net::awaitable<void> sweep_loop(net::steady_timer& timer, ConnectionRegistry& registry,
                                ConnectionRegistry::Clock::duration interval,
                                const bool& sweeping) {
    while (sweeping) {
        timer.expires_after(interval);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec) co_return;
        registry.sweep(ConnectionRegistry::Clock::now());
    }
}

} // namespace

HttpPlane::HttpPlane(net::io_context& context, const std::string& role, const std::string& address,
                     std::uint16_t port, PlaneSetting plane)
    : context_(context), acceptor_(context), plane_(std::move(plane)), sweep_timer_(context) {
    const tcp::endpoint endpoint(net::ip::make_address(address), port);
    // Boost's own error names neither the plane nor the address, and ends with its source line.
    try {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(LoopAcceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(listen_backlog);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on the " + role + ", " + host_and_port(endpoint) +
                                 ": " + e.code().message());
    }
    endpoint_ = acceptor_.local_endpoint();
}

void HttpPlane::start() {
    net::co_spawn(context_,
                  sweep_loop(sweep_timer_, plane_.registry,
                             ConnectionRegistry::sweep_interval(plane_.limits), sweeping_),
                  net::detached);
    net::co_spawn(context_, accept_loop(acceptor_, plane_), net::detached);
}

std::uint16_t HttpPlane::port() const {
    return endpoint_.port();
}

std::string HttpPlane::url() const {
    return "http://" + host_and_port(endpoint_);
}

void HttpPlane::begin_stop() {
    error_code ignored;
    acceptor_.close(ignored);
    plane_.registry.stop();
}

void HttpPlane::stop_sweeping() {
    sweeping_ = false;
    sweep_timer_.cancel();
}

} // namespace ranking
