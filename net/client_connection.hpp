#pragma once
// One keep-alive HTTP/1.1 client connection. Beast stays inside the .cpp.
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ranking {

struct HttpResponse {
    int status = 0;
    std::string body;
    std::string allow;
    std::string retry_after;
    bool keep_alive = true;
    // When the status line and headers were in: the server had done its work. A large body
    // (an export of thousands of games) is still on its way, interleaved with other answers.
    std::chrono::steady_clock::time_point head_received{};
};

class ClientConnection {
public:
    explicit ClientConnection(net::any_io_executor executor);
    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    net::awaitable<error_code> connect(std::string host, std::string port,
                                       std::chrono::milliseconds timeout);

    // One request, one response, within `timeout` from the first byte sent to the last one
    // read. The connection stays usable while the server keeps it alive. A body goes out with
    // `content_type` when one is given (POST /games wants JSON).
    net::awaitable<error_code> request(std::string_view method, std::string_view target,
                                       std::string body, std::chrono::milliseconds timeout,
                                       HttpResponse& response, std::string_view content_type = {});

    // Sent as the Authorization header of every request from now on (an admin token).
    void set_authorization(std::string value);
    // A larger answer body fails the request (http::error::body_limit); Beast's default is 8 MB.
    void set_body_limit(std::uint64_t bytes);

    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ranking
