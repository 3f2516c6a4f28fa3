#include "submit_game.hpp"

#include "json_shapes.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

namespace ranking {
namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// What went wrong with one attempt, for the retry line.
std::string what_happened(const HttpEndpoint& endpoint, const FetchResult& result) {
    if (!result.error)
        return "HTTP " + std::to_string(result.response.status) + " (" +
               error_text(result.response) + ")";
    if (result.failed_step == "connect") return describe_failure(endpoint, result);
    return "no answer from http://" + endpoint.host + ":" + endpoint.port + " (" +
           result.failed_step + ": " + result.error.message() + ")";
}

} // namespace

bool GameSubmitOutcome::unknown() const {
    return !recorded() && worth_retrying(last, attempts);
}

bool worth_retrying(const FetchResult& result, int attempt) {
    if (!result.error) return result.response.status == 503;
    return result.failed_step != "connect" || attempt > 1;
}

std::chrono::milliseconds retry_wait(std::string_view retry_after, const GameRetryPolicy& policy) {
    const auto cap = std::max(policy.max_wait, std::chrono::milliseconds(0));
    const auto capped = [&](std::chrono::milliseconds wait) {
        return std::clamp(wait, std::chrono::milliseconds(0), cap);
    };
    const auto text = trimmed(retry_after);
    if (text.empty()) return capped(policy.default_wait);
    std::uint64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (end != text.data() + text.size()) return capped(policy.default_wait);
    if (ec == std::errc::result_out_of_range) return cap; // more seconds than we can count
    if (ec != std::errc{}) return capped(policy.default_wait);
    if (seconds > static_cast<std::uint64_t>(cap.count() / 1000)) return cap;
    return capped(std::chrono::milliseconds(static_cast<std::int64_t>(seconds) * 1000));
}

std::string seconds_text(std::chrono::milliseconds wait) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", static_cast<double>(wait.count()) / 1000.0);
    return text;
}

net::awaitable<GameSubmitOutcome> submit_game(HttpEndpoint endpoint, GameSubmission game,
                                              std::chrono::milliseconds timeout,
                                              std::string authorization, GameRetryPolicy policy,
                                              RetryNote note) {
    const int max_attempts = std::max(policy.max_attempts, 1);
    const std::string body = game_submission_json(game).dump();
    net::steady_timer timer(co_await net::this_coro::executor);
    GameSubmitOutcome outcome;
    for (;;) {
        ++outcome.attempts;
        auto fetching = fetch(endpoint, FetchPlan{"POST", "/games", body, timeout,
                                                  "application/json", authorization});
        outcome.last = co_await std::move(fetching);
        if (!worth_retrying(outcome.last, outcome.attempts) || outcome.attempts >= max_attempts)
            co_return outcome;
        // A lost answer has no Retry-After: the default wait.
        const auto wait = retry_wait(
            outcome.last.error ? std::string_view{} : outcome.last.response.retry_after, policy);
        outcome.waits.push_back(wait);
        if (note)
            note(what_happened(endpoint, outcome.last) + "; retrying game " + game.id + " in " +
                 seconds_text(wait) + " (attempt " + std::to_string(outcome.attempts + 1) + " of " +
                 std::to_string(max_attempts) + ")");
        timer.expires_after(wait);
        auto waiting = timer.async_wait(use_nothrow);
        auto [ignored] = co_await std::move(waiting);
        (void)ignored;
    }
}

} // namespace ranking
