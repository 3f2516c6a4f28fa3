#include "store_verification.hpp"

#include "club_verify.hpp"
#include "hand_off.hpp"
#include "log.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace ranking {

net::awaitable<Reply> StoreVerification::answer() {
    if (running_.exchange(true))
        co_return error_reply(409, "a replay of the store is running already; ask again once it "
                                   "has answered");
    // Free again however this coroutine ends (its frame destroyed with the server, say).
    const std::unique_ptr<std::atomic<bool>, void (*)(std::atomic<bool>*)> done(
        &running_, [](std::atomic<bool>* running) { *running = false; });
    auto replaying = run_on(thread_, [database = database_, periods = periods_per_day_] {
        return verify_club(database, periods, [](std::int64_t checked, std::int64_t total) {
            log_line(LogLevel::info, "verify: " + std::to_string(checked) + " of " +
                                         std::to_string(total) + " games replayed");
        });
    });
    const auto report = co_await std::move(replaying);
    co_return json_reply(
        200, {{"agrees", report.passed},
              {"games", report.games},
              {"seconds", report.seconds},
              {"difference", report.passed ? nullptr : nlohmann::json(report.difference)}});
}

} // namespace ranking
