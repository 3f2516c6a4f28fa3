#pragma once
// One accepted HTTP/1.1 connection, server side. Beast stays inside the .cpp so that the
// sessions and routes compile without it.
//
// Memory: an idle keep-alive connection holds its socket and 128 bytes to read into. From the first
// byte of a request until its answer is written the connection borrows an Exchange (read buffer,
// request, reply) from a per-thread pool, and gives it back when it goes idle again, so that the
// steady state of a busy connection allocates nothing and thousands of idle ones cost little.
// Timeouts are not armed here: the caller's registry sweeps deadlines (one timer per plane).
#include "net.hpp"
#include "reply.hpp"

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

struct IncomingRequest {
    std::string method; // a HEAD request reads "GET" here: it is answered as one, without a body
    std::string target;
    std::string body;          // only for methods that take one (POST, PUT)
    std::string authorization; // the Authorization header
    std::string host;          // the Host header (one, always, in HTTP/1.1)
    std::string origin;        // the Origin header a browser adds, or empty
    std::string content_type;  // of the body
    bool keep_alive = true;
    bool head = false; // asked with HEAD
};

struct ConnectionLimits {
    std::chrono::milliseconds idle_timeout{30'000};    // keep-alive: waiting for the next request
    std::chrono::milliseconds request_timeout{10'000}; // first byte to whole request (slowloris)
    std::chrono::milliseconds write_timeout{10'000};   // between two writes that made progress
    std::uint32_t header_limit = 8 * 1024;
    std::uint64_t body_limit = 1024;
    std::size_t max_connections = 10'000; // past it new connections get a 503 and are closed
};

// What one socket read takes at most: the parser sees the bytes in steps of this size.
inline constexpr std::size_t read_step_bytes = 4096;

// The most a connection holds for the request it reads, whatever a client sends: unparsed bytes
// (the header being read, or the start of a pipelined next request) stay under header_limit +
// one read step, and the body under body_limit (bodies come only with a Content-Length: chunked
// ones are refused, since a chunk's size line and the trailer have no bound in Beast's parser).
std::size_t max_request_bytes(const ConnectionLimits& limits);

// What one read produced: a request, an HTTP error to send before closing, or nothing (the
// peer closed, reset or timed out).
struct ReadResult {
    std::optional<IncomingRequest> request;
    std::optional<Reply> error;
};

// The checks read_request() makes, on bytes already in memory (the fuzzer's way in).
ReadResult parse_request(std::string_view raw, const ConnectionLimits& limits);

// What a read left in the connection's request() and reply().
enum class ReadOutcome {
    request, // request() holds a whole request
    refused, // reply() holds the HTTP error to send before closing (400, 411, 413, 417, 431, 501)
    gone,    // the peer closed, reset or was closed by us: nobody to answer
    incomplete, // read_now() only: the rest has not arrived yet (the parser keeps its place)
};

enum class WriteOutcome {
    done,    // the whole answer is with the kernel
    pending, // the socket took part of it: write_more() sends more
    failed,  // the peer is gone or we closed the connection
};

class ServerConnection {
public:
    // `limits` is the plane's and outlives the connection.
    ServerConnection(LoopSocket socket, const ConnectionLimits& limits);
    ~ServerConnection();
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    net::any_io_executor executor() { return socket_.get_executor(); }

    // Bytes of a next request are already here (pipelined): no need to wait for the socket.
    bool has_buffered_bytes() const noexcept;
    // What the connection holds of the request being read: unparsed bytes and the body so far
    // (never more than max_request_bytes(); the fuzzer checks it).
    std::size_t request_bytes() const noexcept;

    // The idle state: waits for the next request's first bytes, holding only a few bytes of its
    // own (no exchange), then calls `handler(error_code)`. The handler may own the connection;
    // the error is set when the peer closed, or the wait was cancelled or the connection closed.
    // A read rather than a readiness wait: Asio reads a ready socket without re-arming epoll
    // (an epoll_ctl per request), and skips the read attempt when it knows the socket is empty.
    template <class Handler> void async_wait_request(Handler&& handler) {
        release_exchange();
        socket_.async_read_some(net::buffer(first_bytes_),
                                [this, handler = std::forward<Handler>(handler)](
                                    error_code ec, std::size_t bytes) mutable {
                                    if (!ec) keep_first_bytes(bytes);
                                    std::move(handler)(ec);
                                });
    }

    // Reads what the kernel has now and parses it, never waiting: header and body limits;
    // Expect, any Transfer-Encoding, a body on a method that takes none, and a missing or
    // repeated Host are refused before any body is read. Bytes of a pipelined next request stay
    // buffered.
    ReadOutcome read_now();
    // read_now() until the request is whole, waiting for the socket between reads.
    net::awaitable<ReadOutcome> read_request();

    // The current exchange's request and the reply to fill (valid between read_request() and
    // the end of the write).
    IncomingRequest& request();
    Reply& reply();

    // Sends reply() as far as the socket takes it now (all of it, usually), never waiting. The
    // answer to a HEAD request goes without its body.
    WriteOutcome write_now(bool keep_alive);
    // Waits until the socket takes more of what write_now() left pending and sends it: `pending`
    // again when some is still left (the caller re-arms its deadline between writes).
    net::awaitable<WriteOutcome> write_more();

    // Server-sent events: the head of an endless text/event-stream answer, then one event at a
    // time, each as write_now() (the caller finishes a pending one with write_more()). The
    // connection closes when the stream ends.
    WriteOutcome write_event_stream_head();
    WriteOutcome write_event(const std::string& data);

    // Cancels a pending operation; one whose completion is already queued still completes, so
    // a request that has just arrived is still read and answered (graceful stop).
    void cancel();

    // Cancels a pending read or write and closes the socket (timeouts, stop).
    void close();

    // The bytes, request and reply of the request being served; defined in the .cpp.
    struct Exchange;

private:
    struct ReturnToPool {
        void operator()(Exchange* exchange) const noexcept;
    };
    Exchange& exchange();             // borrows one from the pool when the connection holds none
    void release_exchange() noexcept; // back to the pool unless it holds a pipelined request
    void keep_first_bytes(std::size_t bytes); // into the exchange, for read_now()
    WriteOutcome send_now(net::const_buffer head, net::const_buffer body);

    LoopSocket socket_;
    const ConnectionLimits& limits_;
    std::unique_ptr<Exchange, ReturnToPool> exchange_; // null while idle
    // Where an idle connection's next request starts: most requests fit, the rest is read after.
    std::array<char, 128> first_bytes_;
};

} // namespace ranking
