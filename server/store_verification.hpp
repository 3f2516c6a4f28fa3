#pragma once
// POST /verify on the admin plane: the replay of `ranking-server --verify` (club_verify.hpp)
// while the server runs, on a thread of its own (never the loop, never the admin thread), one
// at a time; the answer comes when it is done, and a progress line goes to the log meanwhile.
#include "net.hpp"
#include "reply.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <string>

namespace ranking {

class StoreVerification {
public:
    explicit StoreVerification(std::string database) : database_(std::move(database)) {}
    ~StoreVerification() { thread_.join(); }
    net::awaitable<Reply> answer();

private:
    std::string database_;
    net::thread_pool thread_{1};
    std::atomic<bool> running_{false};
};

} // namespace ranking
