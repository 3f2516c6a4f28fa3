#pragma once
// The life of one HTTP/1.1 keep-alive connection on its plane's io_context.
//
// Idle, a connection is parked: a read into a few bytes of its own owns it, with no coroutine,
// no exchange and no timer (the registry's sweep enforces the idle timeout). When bytes arrive
// the read's handler serves what it can at once: whole requests that the handler answers without
// waiting, written in one go. Anything that must wait (the rest of a request, the hash, the
// store, a slow reader) continues in a coroutine, which parks the connection again when done.
#include "connection_registry.hpp"
#include "memory_budget.hpp"
#include "net.hpp"
#include "reply.hpp"
#include "server_connection.hpp"

#include <functional>
#include <string>

namespace ranking {

// How a plane answers. `at_once`, when set, answers what needs no waiting (no hash, no store)
// straight into `reply`, which the connection reuses from one request to the next, and says
// whether it did: the cheap requests then cost no coroutine and no allocation. The rest goes
// to `later`, which may suspend (the hash hand-off, the store) but must not block.
struct RequestHandler {
    std::function<bool(const IncomingRequest& request, Reply& reply)> at_once;
    std::function<net::awaitable<Reply>(IncomingRequest)> later;
};

// What every connection of a plane shares. The plane owns it; it outlives every connection.
struct PlaneSetting {
    RequestHandler handler;
    ConnectionLimits limits;
    ConnectionRegistry& registry;
    std::string name;                      // "ranking-server data", for log lines
    MemoryBudget* answer_budget = nullptr; // charged by answers waiting for slow readers
    std::size_t max_per_client = 0;        // connections from one address; 0: no cap
    bool cap_loopback = false;             // the per-client cap applies to loopback peers too
};

// Serves a freshly accepted connection until it closes (returns at once; the connection lives
// on in the plane's io_context). `counted_peer`: the peer, when the per-client cap counts it.
void start_session(tcp::socket socket, const PlaneSetting& plane,
                   const net::ip::address* counted_peer);

// Past a connection cap: a 503 saying `why`, tried once, then close, without reading the request.
void refuse_connection(tcp::socket socket, const PlaneSetting& plane, const std::string& why);

} // namespace ranking
