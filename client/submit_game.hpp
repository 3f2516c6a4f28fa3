#pragma once
// POST /games until the answer is known: a 503 or a lost answer may mean the game was stored
// (PostgreSQL's answer to COMMIT lost, a server stopped mid-request), so the client asks again
// with the SAME id. Game ids are idempotent: 201 the first time, 200 with the stored game for a
// retry, 409 when the id is taken by a different game. Retrying can end in 201 or 200, never in
// a duplicate.
#include "fetch.hpp"
#include "game.hpp"
#include "http_url.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ranking {

struct GameRetryPolicy {
    int max_attempts = 5; // in all, the first one included
    // Retry-After is honoured up to this long; no wait is longer (0: every retry at once).
    std::chrono::milliseconds max_wait{10'000};
    // Without a usable Retry-After (absent, an HTTP-date, or no answer at all).
    std::chrono::milliseconds default_wait{1'000};
};

struct GameSubmitOutcome {
    FetchResult last; // the final attempt: its answer, or why none came
    int attempts = 0;
    std::vector<std::chrono::milliseconds> waits; // before each retry, in order
    // 200 (a retry of a stored game) or 201 (new).
    bool recorded() const {
        return !last.error && (last.response.status == 200 || last.response.status == 201);
    }
    // Ended without knowing: the last attempt was a 503 or got no answer after a request may
    // have gone out. The game may be stored; asking again with the same id tells.
    bool unknown() const;
};

// Worth asking again with the same id? A 503 and a failure after the connection was up (the
// request may have been sent and the game stored) are; so is a failure to connect once a
// request has gone out (the server may be restarting). A first failure to connect is not:
// nothing was sent, the server is down or the URL is wrong. Every other answer is final.
bool worth_retrying(const FetchResult& result, int attempt);

// How long to wait before the next attempt: Retry-After's delay-seconds, at most
// policy.max_wait ("0" is an immediate retry); policy.default_wait (capped the same) when it is
// empty, an HTTP-date or not a number.
std::chrono::milliseconds retry_wait(std::string_view retry_after, const GameRetryPolicy& policy);

// "1 s", "0.25 s".
std::string seconds_text(std::chrono::milliseconds wait);

// Called with one line per retry, before its wait, e.g. "HTTP 503 (the store cannot answer
// now (request #7); retry later); retrying game g1 in 1 s (attempt 2 of 5)" (the caller adds
// "ranking-client: ").
using RetryNote = std::function<void(const std::string&)>;

// POSTs `game` to /games on `endpoint` (one connection per attempt) until the answer is final
// or policy.max_attempts were made, waiting on an Asio steady_timer between attempts.
// `authorization`: "Bearer TOKEN" for a server with a write token, or empty.
net::awaitable<GameSubmitOutcome> submit_game(HttpEndpoint endpoint, GameSubmission game,
                                              std::chrono::milliseconds timeout,
                                              std::string authorization,
                                              GameRetryPolicy policy = {}, RetryNote note = {});

} // namespace ranking
