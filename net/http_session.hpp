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

// The rest of an answer that must wait (the hash, the store): a coroutine on the loop that may
// suspend but must not block. It carries what the handler has already parsed.
using LaterAnswer = std::function<net::awaitable<Reply>()>;

// How a plane answers a request: straight into `reply`, which the connection reuses from one
// request to the next, returning an empty LaterAnswer (the cheap requests then cost no coroutine
// and no allocation); or by returning the LaterAnswer that will produce the reply. `request` is
// the handler's to move from.
using RequestHandler = std::function<LaterAnswer(IncomingRequest& request, Reply& reply)>;

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
void start_session(LoopSocket socket, const PlaneSetting& plane,
                   const net::ip::address* counted_peer);

// Past a connection cap: a 503 saying `why`, tried once, then close, without reading the request.
void refuse_connection(LoopSocket socket, const PlaneSetting& plane, const std::string& why);

} // namespace ranking
