#pragma once
// One accepted HTTP/1.1 connection, server side. Beast stays inside the .cpp so that the
// sessions and routes compile without it.
#include "net.hpp"
#include "reply.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

struct IncomingRequest {
    std::string method;
    std::string target;
    std::string body;
    std::string authorization; // the Authorization header, for the admin plane
    bool keep_alive = true;
};

struct ConnectionLimits {
    std::chrono::milliseconds idle_timeout{30'000};    // keep-alive: waiting for the next request
    std::chrono::milliseconds request_timeout{10'000}; // first byte to whole request (slowloris)
    std::chrono::milliseconds write_timeout{10'000};
    std::uint32_t header_limit = 8 * 1024;
    std::uint64_t body_limit = 1024;
    std::size_t max_connections = 10'000; // past it new connections get a 503 and are closed
};

// What one read produced: a request, an HTTP error to send before closing, or nothing (the
// peer closed, reset or timed out).
struct ReadResult {
    std::optional<IncomingRequest> request;
    std::optional<Reply> error;
};

// The checks read_request() makes, on bytes already in memory (the fuzzer's way in).
ReadResult parse_request(std::string_view raw, const ConnectionLimits& limits);

class ServerConnection {
public:
    ServerConnection(tcp::socket socket, ConnectionLimits limits);
    ~ServerConnection();
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    // Waits, under the idle timeout, until the next request's first bytes are here (at once for
    // a pipelined one). False when the peer closed, reset or stayed silent.
    net::awaitable<bool> wait_for_request();

    // Reads the request under the request timeout: a fresh parser with the header and body
    // limits; Expect and unknown transfer codings are refused before any body is read.
    net::awaitable<ReadResult> read_request();

    // Sends `reply`; false when the peer is gone or the write timed out.
    net::awaitable<bool> write_reply(const Reply& reply, bool keep_alive);

    // Server-sent events: the head of an endless text/event-stream answer, then one event at a
    // time. The connection closes when the stream ends.
    net::awaitable<bool> write_event_stream_head();
    net::awaitable<bool> write_event(const std::string& data);

    // Cancels a pending operation; one whose completion is already queued still completes, so
    // a request that has just arrived is still read and answered (graceful stop).
    void cancel();

    // Cancels a pending read or write and closes the socket.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ranking
