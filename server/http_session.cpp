#include "http_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <exception>

namespace ranking {
namespace {

// An endless answer (the dashboard's feed) until the peer leaves, the source ends or we stop.
net::awaitable<void> stream_events(ServerConnection& connection, const EventSource& source,
                                   const ConnectionRegistry& registry) {
    auto head = connection.write_event_stream_head();
    if (!co_await std::move(head)) co_return;
    net::steady_timer tick(co_await net::this_coro::executor);
    while (!registry.stopping()) {
        const auto event = source.next();
        if (!event) co_return;
        auto write = connection.write_event(*event);
        if (!co_await std::move(write)) co_return;
        tick.expires_after(source.interval);
        co_await tick.async_wait(use_nothrow);
    }
}

} // namespace

net::awaitable<void> refuse_connection(tcp::socket socket, ConnectionLimits limits,
                                       ConnectionRegistry& registry) {
    limits.write_timeout = std::chrono::seconds(1); // a refusal is not worth waiting for
    ServerConnection connection(std::move(socket), limits);
    auto reply = error_reply(503, "server at its connection limit (" +
                                      std::to_string(limits.max_connections) + "); retry later");
    reply.retry_after_seconds = 1;
    co_await connection.write_reply(reply, false);
    connection.close();
    registry.end_refusal();
}

net::awaitable<void> run_session(tcp::socket socket, const RequestHandler& handler,
                                 ConnectionLimits limits, ConnectionRegistry& registry) {
    ServerConnection connection(std::move(socket), limits);
    ConnectionRegistry::Membership member(registry, connection);
    for (;;) {
        member.set_idle(true); // between requests a graceful stop may close us
        const bool arrived = co_await connection.wait_for_request();
        member.set_idle(false); // from the first byte on, the request will be answered
        if (!arrived) break;
        ReadResult read = co_await connection.read_request();
        if (!read.request) {
            if (read.error) {
                member.request_read();
                co_await connection.write_reply(*read.error, false);
                member.request_answered();
            }
            break;
        }
        member.request_read();
        Reply reply;
        try {
            auto answering = handler(std::move(*read.request));
            reply = co_await std::move(answering);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ranking-server: request failed: %s\n", e.what());
            reply = error_reply(500, "internal error");
        }
        if (reply.events) {
            auto streaming = stream_events(connection, *reply.events, registry);
            co_await std::move(streaming);
            break;
        }
        const bool keep_alive = read.request->keep_alive && !registry.stopping();
        const bool written = co_await connection.write_reply(reply, keep_alive);
        member.request_answered();
        if (!written || !keep_alive) break;
    }
    connection.close();
}

} // namespace ranking
