#pragma once
// One HTTP/1.1 keep-alive connection, served by one coroutine on the plane's io_context.
#include "connection_registry.hpp"
#include "net.hpp"
#include "reply.hpp"
#include "server_connection.hpp"

#include <functional>

namespace ranking {

// Turns a request into a reply; may suspend (the hash hand-off) but must not block.
using RequestHandler = std::function<net::awaitable<Reply>(IncomingRequest)>;

// Past --max-connections: a 503 at once, then close, without reading the request. The caller
// has taken a place with registry.begin_refusal(); this gives it back.
net::awaitable<void> refuse_connection(tcp::socket socket, ConnectionLimits limits,
                                       ConnectionRegistry& registry);

net::awaitable<void> run_session(tcp::socket socket, const RequestHandler& handler,
                                 ConnectionLimits limits, ConnectionRegistry& registry);

} // namespace ranking
