#pragma once
// One accepted HTTP/1.1 connection, server side. Beast stays inside the .cpp so that the
// sessions and routes compile without it.
#include "net.hpp"
#include "reply.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace ranking {

struct IncomingRequest {
    std::string method;
    std::string target;
    std::string body;
    bool keep_alive = true;
};

struct ConnectionLimits {
    std::chrono::milliseconds read_timeout{30'000}; // idle keep-alive and slow headers
    std::chrono::milliseconds write_timeout{10'000};
    std::uint32_t header_limit = 8 * 1024;
    std::uint64_t body_limit = 1024;
};

// What one read produced: a request, an HTTP error to send before closing, or nothing (the
// peer closed, reset or timed out).
struct ReadResult {
    std::optional<IncomingRequest> request;
    std::optional<Reply> error;
};

class ServerConnection {
public:
    ServerConnection(tcp::socket socket, ConnectionLimits limits);
    ~ServerConnection();
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    // A fresh parser each time, with the header and body limits; the timeout re-armed.
    net::awaitable<ReadResult> read_request();

    // Sends `reply`; false when the peer is gone or the write timed out.
    net::awaitable<bool> write_reply(const Reply& reply, bool keep_alive);

    // Server-sent events: the head of an endless text/event-stream answer, then one event at a
    // time. The connection closes when the stream ends.
    net::awaitable<bool> write_event_stream_head();
    net::awaitable<bool> write_event(const std::string& data);

    // Cancels a pending read or write and closes the socket (graceful stop, errors).
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ranking
