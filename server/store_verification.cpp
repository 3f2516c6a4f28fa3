#include "store_verification.hpp"

#include "club_verify.hpp"
#include "hand_off.hpp"
#include "log.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace ranking {

net::awaitable<Reply> StoreVerification::answer() {
    if (running_.exchange(true))
        co_return error_reply(409, "a replay of the store is running already; ask again once it "
                                   "has answered");
    auto replaying = run_on(thread_, [database = database_] {
        auto last_line = std::chrono::steady_clock::now();
        return verify_club(database, [&](std::int64_t checked, std::int64_t total) {
            if (const auto now = std::chrono::steady_clock::now();
                now - last_line >= std::chrono::seconds(5)) {
                log_line(LogLevel::info, "verify: " + std::to_string(checked) + " of " +
                                             std::to_string(total) + " games replayed");
                last_line = now;
            }
        });
    });
    const auto report = co_await std::move(replaying);
    running_ = false;
    co_return json_reply(
        200, {{"agrees", report.passed},
              {"games", report.games},
              {"seconds", report.seconds},
              {"difference", report.passed ? nullptr : nlohmann::json(report.difference)}});
}

} // namespace ranking
