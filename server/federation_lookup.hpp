#pragma once
// GET /players/{name}/federation: a player's rating at the federation's rating service, the
// third kind of blocking work (a call to another service), placed as the others are. Offload:
// the async client (Beast, on the loop, a bounded keep-alive pool) or the thread client
// (libcurl's blocking call on a small pool of its own, the result back through the hand-off),
// as --federation-client says; inline: the same libcurl call on the loop thread, which then
// waits for the service with everyone behind it. Answers are cached for a while. Loop thread
// only, but for the thread client's jobs.
#include "federation_cache.hpp"
#include "http_get_pool.hpp"
#include "http_url.hpp"
#include "loop_watch.hpp"
#include "mode.hpp"
#include "net.hpp"
#include "reply.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>

#include <chrono>
#include <cstdint>
#include <string>

namespace ranking {

enum class FederationClient { async_client, thread_client };

struct FederationSettings {
    std::string url; // empty: the route answers 501
    FederationClient client = FederationClient::async_client;
    std::size_t connections = 8; // the async pool's, and the thread client's threads
    std::chrono::milliseconds timeout{2000};
    std::chrono::seconds cache_for{300};
    long max_pending = 64; // look-ups waiting for the service past which the route answers 503
};

std::string_view to_string(FederationClient client) noexcept;

class FederationLookup {
public:
    static constexpr std::uint64_t max_body = 64 * 1024; // a rating is a few dozen bytes

    // `settings.url` must parse (parse_service_url): the options checked it. `waiting` counts the
    // look-ups waiting for the service: it must outlive the loop, whose teardown destroys the
    // frames of look-ups still waiting (a drain that reached its deadline).
    FederationLookup(net::any_io_executor loop, FederationSettings settings, LoopWatch& watch,
                     std::atomic<long>& waiting);
    ~FederationLookup(); // joins the thread client's pool: its calls end by their timeout

    // `player`: a club member's canonical name.
    net::awaitable<Reply> answer(std::string player, std::uint64_t request_id, WorkPlacement mode);

    // Joins the thread client's pool: every call given to it ends by its timeout, so a stop
    // may wait that long.
    void join() { threads_.join(); }

private:
    FederationSettings settings_;
    ServiceUrl service_;
    std::string base_url_; // --federation-url without its trailing '/': libcurl's URLs start so
    LoopWatch& watch_;
    HttpGetPool pool_;
    net::thread_pool threads_;
    FederationCache cache_;
    std::atomic<long>& waiting_;
};

} // namespace ranking
