#pragma once
// One GET with libcurl's easy interface, blocking the calling thread until the answer, the
// timeout or a failure: the thread remedy runs it on a small pool of its own, inline mode on the
// loop itself (the mistake, made visible). Each thread keeps one easy handle, and with it its
// connection to the service (keep-alive): N threads hold at most N connections.
#include "federation_rating.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace ranking {

// curl_global_init, once per process, before the first curl_get on any thread.
void start_curl();

ServiceAnswer curl_get(const std::string& url, std::chrono::milliseconds timeout,
                       std::uint64_t max_body);

} // namespace ranking
