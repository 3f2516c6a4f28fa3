#include "http_session.hpp"

#include <cstdio>
#include <exception>

namespace ranking {

net::awaitable<void> run_session(tcp::socket socket, const RequestHandler& handler,
                                 ConnectionLimits limits, ConnectionRegistry& registry) {
    ServerConnection connection(std::move(socket), limits);
    ConnectionRegistry::Membership member(registry, connection);
    for (;;) {
        member.set_idle(true); // between requests a graceful stop may close us
        ReadResult read = co_await connection.read_request();
        member.set_idle(false);
        if (!read.request) {
            if (read.error) co_await connection.write_reply(*read.error, false);
            break;
        }
        Reply reply;
        try {
            auto answering = handler(std::move(*read.request));
            reply = co_await std::move(answering);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ranking-server: request failed: %s\n", e.what());
            reply = error_reply(500, "internal error");
        }
        const bool keep_alive = read.request->keep_alive && !registry.stopping();
        if (!co_await connection.write_reply(reply, keep_alive) || !keep_alive) break;
    }
    connection.close();
}

} // namespace ranking
