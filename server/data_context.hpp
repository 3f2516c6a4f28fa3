#pragma once
// What the data plane's routes share: the club, the store, where the work runs, the limits and
// the instruments. Built once by the server (with designated initialisers), used on the loop.
#include "club_page.hpp"
#include "failure_log.hpp"
#include "federation_lookup.hpp"
#include "game_store.hpp"
#include "leaderboard_eligibility.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "memory_budget.hpp"
#include "mode.hpp"
#include "net.hpp"
#include "ranking.hpp"
#include "server_metrics.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace ranking {

struct DataContext {
    Ranking& ranking; // touched only by the loop thread: no lock
    GameStore& store;
    std::atomic<WorkPlacement>& mode; // flipped by the admin thread, read per request
    net::thread_pool& cpu_pool;       // the hash and the rendering of pages, in offload mode
    std::string secret;
    std::uint32_t hash_iterations;
    long max_pending_hashes;  // offload mode: past this many queued hashes, /rank gets a 503
    long max_pages_in_flight; // pages of games (the export, a player's games) at once; then 503
    LoopWatch& watch;
    ServerMetrics& metrics;
    LoadLevels& levels;
    MemoryBudget& answer_budget;       // a page of games takes its room here before it is read
    const std::atomic<bool>& draining; // set on the loop when the server starts to stop
    std::string write_token = {}; // empty: anyone may post games; else the token they must bring
    // The server's own names: a game posted from a page elsewhere is refused (DNS rebinding
    // makes such a page same-origin in the browser's eyes, so a preflight would not stop it).
    std::vector<std::string> own_names = {};
    FederationLookup* federation = nullptr; // null without --federation-url: the route is 501
    std::uint16_t dashboard_port = 0;       // the admin plane's: its page may read /healthz answers
    ClubPage club_page = {};                // GET /club and its files, read once at start
    LeaderboardEligibility eligibility = {}; // who /leaderboard?eligible=true lists
    EligibleBoard eligible_board = {};       // loop thread only
    RatingTime rating_time = {};             // the store's: lookups show RD grown to now
    std::uint64_t next_request_id = 0;       // loop thread only
    // The store's reasons for 503s, with the request's id: its first at once, then a line a
    // second (loop thread only).
    FailureLog store_failures{"a request's store call"};
};

} // namespace ranking
