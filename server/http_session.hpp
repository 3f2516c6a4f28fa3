#pragma once
// One HTTP/1.1 keep-alive connection, served by one coroutine on the plane's io_context.
#include "connection_registry.hpp"
#include "net.hpp"
#include "reply.hpp"
#include "server_connection.hpp"

#include <functional>

namespace ranking {

// How a plane answers. `at_once`, when set, answers what needs no waiting (no hash, no store)
// straight into `reply`, which the connection reuses from one request to the next, and says
// whether it did: the cheap requests then cost no coroutine and no allocation. The rest goes
// to `later`, which may suspend (the hash hand-off, the store) but must not block.
struct RequestHandler {
    std::function<bool(const IncomingRequest& request, Reply& reply)> at_once;
    std::function<net::awaitable<Reply>(IncomingRequest)> later;
};

// Past --max-connections: a 503 at once, then close, without reading the request. The caller
// has taken a place with registry.begin_refusal(); this gives it back.
net::awaitable<void> refuse_connection(tcp::socket socket, const ConnectionLimits& limits,
                                       ConnectionRegistry& registry);

net::awaitable<void> run_session(tcp::socket socket, const RequestHandler& handler,
                                 const ConnectionLimits& limits, ConnectionRegistry& registry);

} // namespace ranking
