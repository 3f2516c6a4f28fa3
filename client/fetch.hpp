#pragma once
// One request on its own connection, timed: the building block of every client command.
#include "client_connection.hpp"
#include "http_url.hpp"
#include "net.hpp"

#include <chrono>
#include <string>

namespace ranking {

using Clock = std::chrono::steady_clock;

struct FetchResult {
    error_code error; // set when no HTTP answer came (refused, reset, timed out)
    std::string failed_step;
    HttpResponse response;
    Clock::time_point sent;
    Clock::time_point answered;
};

struct FetchPlan {
    std::string method = "GET";
    std::string target;
    std::string body;
    std::chrono::milliseconds timeout{10'000};
    std::string content_type{};  // of the body, when there is one
    std::string authorization{}; // the Authorization header, when one is needed
};

// Connects, then sends the request; `sent` is stamped after the connection is up.
net::awaitable<FetchResult> fetch(HttpEndpoint endpoint, FetchPlan plan);

// On an already connected connection (the story pre-connects so that only requests are timed).
net::awaitable<FetchResult> fetch_on(ClientConnection& connection, FetchPlan plan);

// "cannot reach http://host:port (connect: Connection refused)".
std::string describe_failure(const HttpEndpoint& endpoint, const FetchResult& result);

// The "error" of an error answer's JSON body, or the body itself when it has none.
std::string error_text(const HttpResponse& response);

// "Bearer TOKEN" from the environment variable the server takes that token from, or empty.
std::string bearer_from_environment(const char* variable);

double ms_between(Clock::time_point from, Clock::time_point to);

} // namespace ranking
