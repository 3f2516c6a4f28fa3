#include "ranking_server.hpp"
#include "log.hpp"

#include "game_routes.hpp"
#include "thread_priority.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>

namespace ranking {
namespace {

// Polls until the plane has no connection left, then lets run() return; forces it at the deadline.
net::awaitable<void> drain(HttpPlane& plane, LagProbe& probe, net::io_context& loop) {
    constexpr auto deadline = std::chrono::milliseconds(4500);
    const auto until = std::chrono::steady_clock::now() + deadline;
    net::steady_timer tick(loop);
    while (!plane.drained()) {
        if (std::chrono::steady_clock::now() >= until) {
            loop.stop();
            co_return;
        }
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(use_nothrow);
    }
    plane.stop_sweeping();
    probe.stop(); // last: the watchdog would take a silent probe for a frozen loop
}

// The backend the configuration names, and what the start-up line says about it.
std::unique_ptr<GameStore> open_store(const ServerConfig& config, net::any_io_executor loop,
                                      const std::function<std::vector<Player>()>& make_roster,
                                      StoreObserver observer, RankingServer::OpenedStore& opened) {
    if (config.postgres) {
        auto pg = std::make_unique<PgGameStore>(std::move(loop), *config.postgres, make_roster,
                                                std::move(observer));
        opened = {"PostgreSQL database '" + pg->database() + "'", pg->created(),
                  pg->last_seq_at_open()};
        return pg;
    }
    auto store_config = config.store;
    store_config.on_storage_thread = [priority = config.storage_priority] {
        if (const auto failure = lower_this_thread(priority); !failure.empty())
            log_format(LogLevel::warning,
                       "ranking-server: warning: --storage-priority %s not applied: %s\n",
                       to_string(priority).c_str(), failure.c_str());
    };
    auto sqlite = std::make_unique<SqliteGameStore>(store_config, make_roster, std::move(observer));
    opened = {config.store.file.string(), sqlite->created(), sqlite->last_seq()};
    return sqlite;
}

// The admin plane's limits: the data plane's, with a cap of its own that fits in the descriptors
// kept back from the data plane, so that it answers while the data plane is full.
ConnectionLimits admin_limits(const ServerConfig& config) {
    auto limits = config.limits;
    limits.max_connections = config.admin_max_connections;
    return limits;
}

// The names this server is reached by: loopback's, its two addresses, --admin-host names.
std::vector<std::string> own_names(const ServerConfig& config) {
    std::vector<std::string> names{"localhost", "127.0.0.1", "::1", config.address,
                                   config.admin_address};
    names.insert(names.end(), config.admin_hosts.begin(), config.admin_hosts.end());
    return names;
}

} // namespace

RankingServer::RankingServer(ServerConfig config,
                             const std::function<std::vector<Player>()>& make_roster)
    : config_(std::move(config)), mode_(config_.mode), watch_(metrics_),
      answer_budget_(config_.answer_budget_bytes), data_connections_(&levels_.connections),
      data_plane_(data_loop_, "data plane", config_.address, config_.port,
                  PlaneSetting{.handler =
                                   [this](IncomingRequest& request, Reply& reply) {
                                       return answer_data_request(request, data_context_, reply);
                                   },
                               .limits = config_.limits,
                               .registry = data_connections_,
                               .name = "ranking-server data",
                               .answer_budget = &answer_budget_,
                               .max_per_client = config_.max_connections_per_client,
                               .cap_loopback = config_.cap_loopback}),
      admin_plane_(admin_loop_, "admin plane", config_.admin_address, config_.admin_port,
                   PlaneSetting{.handler = [this](IncomingRequest& request, Reply&) -> LaterAnswer {
                                    return [this, request = std::move(request)]() mutable {
                                        return answer_admin(std::move(request), admin_context_);
                                    };
                                },
                                .limits = admin_limits(config_),
                                .registry = admin_connections_,
                                .name = "ranking-server admin"}),
      live_history_(admin_loop_, LiveFeed(metrics_, watch_, levels_, mode_, data_plane_.port())),
      cpu_pool_(config_.pool_threads),
      federation_(config_.federation.url.empty()
                      ? nullptr
                      : std::make_unique<FederationLookup>(data_loop_.get_executor(),
                                                           config_.federation, watch_,
                                                           levels_.federation_calls)),
      store_(
          open_store(config_, data_loop_.get_executor(), make_roster,
                     StoreObserver{[this](std::size_t games, double seconds) {
                                       metrics_.observe_commit(games, seconds);
                                   },
                                   [this](bool up) { metrics_.store_connection(up); },
                                   [this](bool listening) { metrics_.store_follower(listening); },
                                   [this](std::size_t games) { metrics_.store_followed(games); }},
                     opened_store_)),
      ranking_(store_->players_at_open()),
      data_context_{.ranking = ranking_,
                    .store = *store_,
                    .mode = mode_,
                    .cpu_pool = cpu_pool_,
                    .secret = config_.secret,
                    .hash_iterations = config_.hash_iterations,
                    .max_pending_hashes = config_.max_pending_hashes,
                    .max_pages_in_flight = config_.max_pages_in_flight,
                    .watch = watch_,
                    .metrics = metrics_,
                    .levels = levels_,
                    .answer_budget = answer_budget_,
                    .draining = draining_,
                    .write_token = config_.write_token,
                    .own_names = own_names(config_),
                    .federation = federation_.get(),
                    .dashboard_port = admin_plane_.port(),
                    .club_page = load_club_page(config_.dashboard_directory),
                    .eligibility = config_.eligibility,
                    .rating_time = store_->rating_time()},
      verification_(database_of(config_), config_.store.periods_per_day),
      admin_context_{.mode = mode_,
                     .metrics = metrics_,
                     .watch = watch_,
                     .levels = levels_,
                     .history = live_history_,
                     .data_port = data_plane_.port(),
                     .dashboard = without_club_page(load_dashboard(config_.dashboard_directory)),
                     .dashboard_directory = config_.dashboard_directory,
                     .token = config_.admin_token,
                     .own_names = own_names(config_),
                     .verification = verification_},
      lag_probe_(data_loop_, watch_.heartbeat, metrics_) {
    // The loop outranks its pool: each pool thread lowers itself once, before any hash.
    for (const auto& failure :
         lower_pool_threads(cpu_pool_, config_.pool_threads, config_.pool_priority))
        log_format(LogLevel::warning,
                   "ranking-server: warning: --pool-priority %s not applied: %s\n",
                   to_string(config_.pool_priority).c_str(), failure.c_str());
    // Other servers' games move the ranking as this server's own 201s do. The callback runs on
    // data_loop_ only while it runs, so ranking_ (destroyed before the loop) is alive then.
    store_->follow(opened_store_.games, [this](const std::vector<StoredGame>& games) {
        for (const auto& game : games)
            publish_game(game, ranking_);
    });
}

RankingServer::~RankingServer() {
    request_stop();
    if (admin_thread_.joinable()) admin_thread_.join();
    cpu_pool_.join();
}

void RankingServer::run() {
    admin_plane_.start();
    notifier_.start_watchdog(watch_.heartbeat); // before the admin loop runs: its timer is there
    live_history_.start();
    admin_thread_ = std::thread([this] { admin_loop_.run(); });
    watch_.loop_thread.bind(); // this thread becomes the loop thread
    watch_.heartbeat.beat(Clock::now(), {});
    {
        std::optional<Watchdog> watchdog;
        if (config_.stall_detector) watchdog.emplace(watch_, levels_, config_.stall_warn);
        watchdog_ = watchdog ? &*watchdog : nullptr;
        lag_probe_.start();
        data_plane_.start();
        notifier_.ready("serving: data " + data_url() + ", admin " + admin_url());
        data_loop_.run();
        watchdog_ = nullptr;
    }
    // The data loop is done. Normally nothing is left on the pool; after a drain that hit its
    // deadline (loop.stop()), what is left is delivered into a loop that no longer runs and
    // destroyed with it.
    cpu_pool_.join();
    if (federation_) federation_->join();
    admin_thread_.join();
    const auto& tallies = levels_.connections;
    const long read = tallies.requests_read.load(), answered = tallies.requests_answered.load();
    log_format(LogLevel::notice,
               "ranking-server: %ld requests read, %ld answered, %ld dropped; %ld hashes shed, "
               "%ld connections refused\n",
               read, answered, read - answered, levels_.shed_hashes.load(),
               tallies.refused_connections.load());
}

void RankingServer::apply_reload(const ReloadPlan& plan) {
    notifier_.reloading();
    if (plan.log_level) set_log_level(*plan.log_level);
    if (plan.admin_token) admin_context_.token = *plan.admin_token;
    net::post(data_loop_, [this, plan] {
        if (plan.stall_warn) {
            config_.stall_warn = *plan.stall_warn;
            if (watchdog_) watchdog_->set_stall_warn(*plan.stall_warn);
        }
        if (plan.write_token) data_context_.write_token = *plan.write_token;
        notifier_.ready("serving: reloaded");
    });
}

void RankingServer::request_stop() {
    notifier_.stopping();
    net::post(admin_loop_, [this] {
        admin_plane_.begin_stop();
        admin_loop_.stop();
    });
    net::post(data_loop_, [this] {
        draining_ = true; // /readyz answers 503 from now on
        data_plane_.begin_stop();
        store_->stop_background_work();
        net::co_spawn(data_loop_, drain(data_plane_, lag_probe_, data_loop_), net::detached);
    });
}

} // namespace ranking
