#pragma once
// The data plane's answers. Runs on the loop thread; only the /rank token leaves it, and only in
// offload mode.
#include "mode.hpp"
#include "net.hpp"
#include "ranking.hpp"
#include "reply.hpp"
#include "server_connection.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <string>

namespace ranking {

struct DataContext {
    const Ranking& ranking;      // touched only by the loop thread: no lock
    std::atomic<HashMode>& mode; // flipped by the admin thread, read per hash
    net::thread_pool& hash_pool;
    std::string secret;
    std::uint32_t hash_iterations;
};

net::awaitable<Reply> answer_data_request(IncomingRequest request, DataContext& context);

} // namespace ranking
