#include "http_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <exception>

namespace ranking {
namespace {

// An endless answer (the dashboard's feed) until the peer leaves, the source ends or we stop.
net::awaitable<void> stream_events(ServerConnection& connection, const EventSource& source,
                                   ConnectionRegistry::Membership& member,
                                   const ConnectionLimits& limits,
                                   const ConnectionRegistry& registry) {
    member.busy(limits.write_timeout);
    if (!co_await connection.write_event_stream_head()) co_return;
    net::steady_timer tick(co_await net::this_coro::executor);
    while (!registry.stopping()) {
        const auto event = source.next();
        if (!event) co_return;
        member.busy(limits.write_timeout);
        if (!co_await connection.write_event(*event)) co_return;
        member.busy_without_deadline();
        tick.expires_after(source.interval);
        co_await tick.async_wait(use_nothrow);
    }
}

Reply internal_error(const std::exception& e) {
    std::fprintf(stderr, "ranking-server: request failed: %s\n", e.what());
    return error_reply(500, "internal error");
}

// The cheap path: the handler answers in place, no coroutine. False when it needs to wait.
bool answer_at_once(ServerConnection& connection, const RequestHandler& handler) {
    if (!handler.at_once) return false;
    try {
        return handler.at_once(connection.request(), connection.reply());
    } catch (const std::exception& e) {
        connection.reply() = internal_error(e);
        return true;
    }
}

net::awaitable<void> answer_later(ServerConnection& connection, const RequestHandler& handler) {
    try {
        connection.reply() = co_await handler.later(std::move(connection.request()));
    } catch (const std::exception& e) {
        connection.reply() = internal_error(e);
    }
}

} // namespace

net::awaitable<void> refuse_connection(tcp::socket socket, const ConnectionLimits& limits,
                                       ConnectionRegistry& registry) {
    ServerConnection connection(std::move(socket), limits);
    connection.reply() =
        error_reply(503, "server at its connection limit (" +
                             std::to_string(limits.max_connections) + "); retry later");
    connection.reply().retry_after_seconds = 1;
    // One small write into an empty socket buffer: the kernel takes it at once, no timer needed.
    co_await connection.write_reply(false);
    connection.close();
    registry.end_refusal();
}

net::awaitable<void> run_session(tcp::socket socket, const RequestHandler& handler,
                                 const ConnectionLimits& limits, ConnectionRegistry& registry) {
    ServerConnection connection(std::move(socket), limits);
    ConnectionRegistry::Membership member(registry, connection);
    for (;;) {
        member.idle(limits.idle_timeout); // between requests a graceful stop may close us
        if (!co_await connection.wait_for_request()) break;
        member.busy(limits.request_timeout); // from the first byte on, it will be answered
        const auto outcome = co_await connection.read_request();
        if (outcome == ReadOutcome::gone) break;
        member.request_read();
        if (outcome == ReadOutcome::refused) {
            member.busy(limits.write_timeout);
            co_await connection.write_reply(false);
            member.request_answered();
            break;
        }
        const bool keep_alive_asked = connection.request().keep_alive;
        member.busy_without_deadline();
        if (!answer_at_once(connection, handler)) co_await answer_later(connection, handler);
        if (connection.reply().events) {
            const auto source = *connection.reply().events;
            co_await stream_events(connection, source, member, limits, registry);
            break;
        }
        const bool keep_alive = keep_alive_asked && !registry.stopping();
        member.busy(limits.write_timeout);
        const bool written = co_await connection.write_reply(keep_alive);
        member.request_answered();
        if (!written || !keep_alive) break;
    }
    connection.close();
}

} // namespace ranking
