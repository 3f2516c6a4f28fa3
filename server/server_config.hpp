#pragma once
// What a RankingServer is built from: addresses, mode, pool, hash cost, limits, secret, store.
#include "background_priority.hpp"
#include "federation_lookup.hpp"
#include "leaderboard_eligibility.hpp"
#include "log.hpp"
#include "mode.hpp"
#include "pg_game_store.hpp"
#include "server_connection.hpp"
#include "sqlite_game_store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

// Tens of milliseconds on one core: a hash long enough that a loop which runs it is seen to stop.
inline constexpr std::uint32_t default_hash_iterations = 100'000;

struct ServerConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string admin_address = "127.0.0.1";
    std::uint16_t admin_port = 8081;
    WorkPlacement mode = WorkPlacement::offload;
    unsigned pool_threads = 1;
    BackgroundPriority
        pool_priority; // the pool's threads below the loop thread (default SCHED_IDLE)
    BackgroundPriority
        storage_priority;         // the SQLite storage thread below the loop thread, likewise
    long max_pending_hashes = 16; // offload mode: queued hashes past which /rank sheds (503)
    long max_pages_in_flight = 4; // pages of games read or rendered at once; past it, 503
    std::uint32_t hash_iterations = default_hash_iterations;
    std::string secret; // never logged
    ConnectionLimits limits;
    std::chrono::milliseconds stall_warn{100};
    // The watchdog thread: stall warnings, their stacks and /stalls. Off only to measure what it
    // costs (make bench); the lag probe, the metrics and systemd's watchdog run either way.
    bool stall_detector = true;
    LogLevel log_level = LogLevel::info;
    std::filesystem::path dashboard_directory;
    std::string admin_token;                // empty: no auth (loopback admin plane only)
    std::string write_token;                // empty: anyone may post games
    std::vector<std::string> admin_hosts;   // names the admin plane answers to besides loopback's
    std::size_t admin_max_connections = 64; // the admin plane's own cap, within the reserve
    // Connections from one address past which new ones get a 503; loopback peers are exempt
    // unless the cap was given (tests, demos and benches connect from 127.0.0.1 by thousands).
    std::size_t max_connections_per_client = 256;
    bool cap_loopback = false;
    std::size_t answer_budget_bytes = std::size_t{64} << 20; // answers waiting for slow readers
    FederationSettings federation;      // GET /players/{name}/federation's service and its client
    LeaderboardEligibility eligibility; // who /leaderboard?eligible=true lists
    SqliteStoreConfig store;
    std::optional<PgStoreConfig> postgres; // set: PostgreSQL instead of the SQLite file
};

// The database as --db names it: the PostgreSQL connection string, or the SQLite file.
inline std::string database_of(const ServerConfig& config) {
    return config.postgres ? config.postgres->conninfo : config.store.file.string();
}

} // namespace ranking
