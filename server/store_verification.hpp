#pragma once
// POST /verify on the admin plane: the replay of `ranking-server --verify` (club_verify.hpp)
// while the server runs, on a thread of its own (never the loop, never the admin thread), one
// at a time; the answer comes when it is done, and a progress line goes to the log meanwhile.
#include "net.hpp"
#include "reply.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace ranking {

class StoreVerification {
public:
    StoreVerification(std::string database, std::optional<double> periods_per_day)
        : database_(std::move(database)), periods_per_day_(periods_per_day) {}
    ~StoreVerification() { thread_.join(); }
    net::awaitable<Reply> answer();

private:
    std::string database_;
    std::optional<double> periods_per_day_;
    net::thread_pool thread_{1};
    std::atomic<bool> running_{false};
};

} // namespace ranking
