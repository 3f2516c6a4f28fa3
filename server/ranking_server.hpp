#pragma once
// Wiring: the data plane on ONE io_context (run by the caller's thread), the hash pool, and the
// admin plane on its own small thread so that it answers even while the data loop is frozen.
#include "admin_routes.hpp"
#include "config_reload.hpp"
#include "connection_registry.hpp"
#include "data_routes.hpp"
#include "http_plane.hpp"
#include "lag_probe.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "mode.hpp"
#include "ranking.hpp"
#include "server_config.hpp"
#include "server_metrics.hpp"
#include "systemd_notify.hpp"
#include "watchdog.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ranking {

class RankingServer {
public:
    // Binds both planes, then opens the store (creating it with `make_roster()` when the file is
    // new); throws on a bad or busy address (before the store is created) or a refused store.
    // Serves nothing until run().
    RankingServer(ServerConfig config, const std::function<std::vector<Player>()>& make_roster);
    ~RankingServer();
    RankingServer(const RankingServer&) = delete;
    RankingServer& operator=(const RankingServer&) = delete;

    // Serves until request_stop(); the calling thread becomes the loop thread.
    void run();

    // Thread-safe (signal handlers, tests): stop accepting, finish answers in flight, close
    // idle connections; run() returns once drained, or after a 4.5 s deadline.
    void request_stop();

    // On the admin loop (a SIGHUP handler): the admin token and the log level at once; the
    // write token and the stall threshold on the data loop, which owns them, before its next
    // request.
    void apply_reload(const ReloadPlan& plan);

    std::string data_url() const { return data_plane_.url(); }
    std::string admin_url() const { return admin_plane_.url(); }
    std::uint16_t data_port() const { return data_plane_.port(); }
    std::uint16_t admin_port() const { return admin_plane_.port(); }
    net::any_io_executor data_executor() { return data_loop_.get_executor(); }
    net::any_io_executor admin_executor() { return admin_loop_.get_executor(); }
    std::vector<StallRecord> stalls() const { return watch_.stalls.recent(); }
    bool stall_in_progress() const { return watch_.stalls.in_progress().has_value(); }
    // What the start-up line says about the store.
    struct OpenedStore {
        std::string name; // the file, or the PostgreSQL database's name (never the conninfo)
        bool created = false;
        std::int64_t games = 0;
    };
    const OpenedStore& opened_store() const { return opened_store_; }
    std::size_t club_size_at_open() const { return store_->players_at_open().size(); }
    // The hash pool (tests run jobs on it the way the hash goes, to see where they run).
    net::thread_pool& cpu_pool() { return cpu_pool_; }

private:
    // Declaration order is destruction order reversed: registries outlive the loops whose
    // coroutine frames (destroyed with the loops) deregister from them; the pool and the store's
    // thread are joined and destroyed before the loops they deliver results to (and a PostgreSQL
    // store, whose coroutines run on data_loop_, is gone before that loop is). The planes bind
    // before the store opens, so that a busy port leaves no new database behind.
    ServerConfig config_;
    std::atomic<bool> draining_{false};
    Watchdog* watchdog_ = nullptr; // while run() runs
    std::atomic<WorkPlacement> mode_;
    LoadLevels levels_;
    ServerMetrics metrics_;
    LoopWatch watch_;
    MemoryBudget answer_budget_;
    ConnectionRegistry data_connections_;
    ConnectionRegistry admin_connections_;
    net::io_context data_loop_{1};
    net::io_context admin_loop_{1};
    SystemdNotifier notifier_{admin_loop_}; // its watchdog timer runs on the admin loop
    HttpPlane data_plane_;
    HttpPlane admin_plane_;
    LiveHistory live_history_; // its timer runs on the admin loop
    net::thread_pool cpu_pool_;
    std::unique_ptr<FederationLookup>
        federation_; // with --federation-url; its pool delivers to data_loop_
    OpenedStore opened_store_;
    std::unique_ptr<GameStore> store_; // SQLite (its own thread) or PostgreSQL (on data_loop_)
    Ranking ranking_; // the durable ratings as lookups see them: follows the store's commits
    DataContext data_context_;
    StoreVerification verification_;
    AdminContext admin_context_;
    LagProbe lag_probe_;
    std::thread admin_thread_;
};

} // namespace ranking
