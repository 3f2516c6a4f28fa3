#include "server_metrics.hpp"

#include "version.hpp"

#include <prometheus/text_serializer.h>

namespace ranking {

namespace pm = prometheus;

const pm::Histogram::BucketBoundaries& ServerMetrics::latency_buckets() {
    // 100 us to 10 s; 0.1 and 0.25 bound the "a hash held the loop" range.
    static const pm::Histogram::BucketBoundaries buckets{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
    return buckets;
}

ServerMetrics::ServerMetrics() : registry_(std::make_shared<pm::Registry>()) {
    const auto& buckets = latency_buckets();
    loop_lag_ = &pm::BuildHistogram()
                     .Name("ranking_event_loop_lag_seconds")
                     .Help("How late the data loop's 10 ms probe timer fired (missed ticks "
                           "included)")
                     .Register(*registry_)
                     .Add({}, buckets);
    loop_busy_ = &pm::BuildCounter()
                      .Name("ranking_event_loop_busy_seconds_total")
                      .Help("CPU time used by the data loop's thread (its thread CPU clock): "
                            "Beast's parsing and writing and Asio's own work included; per "
                            "second of wall time, the loop's busy ratio")
                      .Register(*registry_)
                      .Add({});
    auto& handler_time =
        pm::BuildCounter()
            .Name("ranking_event_loop_handler_seconds_total")
            .Help("Time the data loop spent inside the server's own handler scopes, by route: a "
                  "breakdown of ranking_event_loop_busy_seconds_total (wall time in the scope)")
            .Register(*registry_);
    auto& stalls = pm::BuildCounter()
                       .Name("ranking_event_loop_stalls_total")
                       .Help("Loop stalls past --stall-warn-ms, by the route that held the loop "
                             "and their kind: cpu (the loop thread burned CPU) or blocked "
                             "(it waited)")
                       .Register(*registry_);
    auto& handler = pm::BuildHistogram()
                        .Name("ranking_loop_handler_seconds")
                        .Help("Time one request's handler held the data loop thread")
                        .Register(*registry_);
    auto& request = pm::BuildHistogram()
                        .Name("ranking_request_duration_seconds")
                        .Help("Request handling time, request read to answer ready")
                        .Register(*registry_);
    for (std::size_t r = 0; r < route_count; ++r) {
        const std::string route(route_name(static_cast<Route>(r)));
        for (StallKind kind : stall_kinds)
            stalls_[r][static_cast<std::size_t>(kind)] =
                &stalls.Add({{"route", route}, {"kind", std::string(to_string(kind))}});
        handler_time_[r] = &handler_time.Add({{"route", route}});
        for (WorkPlacement mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop}) {
            const pm::Labels labels{{"route", route}, {"mode", std::string(to_string(mode))}};
            handler_[r][index(mode)] = &handler.Add(labels, buckets);
            request_[r][index(mode)] = &request.Add(labels, buckets);
        }
    }
    auto& games = pm::BuildCounter()
                      .Name("ranking_games_total")
                      .Help("POST /games answers by outcome (created = durable, 201)")
                      .Register(*registry_);
    for (const auto& [outcome, name] :
         {std::pair{RecordOutcome::Kind::created, "created"},
          std::pair{RecordOutcome::Kind::retried, "retried"},
          std::pair{RecordOutcome::Kind::conflict, "conflict"},
          std::pair{RecordOutcome::Kind::unknown_player, "unknown_player"},
          std::pair{RecordOutcome::Kind::unavailable, "unavailable"},
          std::pair{RecordOutcome::Kind::overloaded, "overloaded"}})
        games_[static_cast<std::size_t>(outcome)] = &games.Add({{"outcome", name}});
    commit_seconds_ = &pm::BuildHistogram()
                           .Name("ranking_store_commit_seconds")
                           .Help("One store transaction of games, fsync included")
                           .Register(*registry_)
                           .Add({}, buckets);
    commit_games_ = &pm::BuildHistogram()
                         .Name("ranking_store_commit_games")
                         .Help("Games per store transaction (group commit)")
                         .Register(*registry_)
                         .Add({}, pm::Histogram::BucketBoundaries{1, 2, 5, 10, 20, 50, 100, 200,
                                                                  500, 1000, 2000, 5000, 10000});
    store_connected_ = &pm::BuildGauge()
                            .Name("ranking_store_connected")
                            .Help("1 while the store reaches its database (always 1 for SQLite)")
                            .Register(*registry_)
                            .Add({});
    store_connected_->Set(1);
    store_disconnects_ = &pm::BuildCounter()
                              .Name("ranking_store_disconnects_total")
                              .Help("Database connections lost (the store reconnects by itself)")
                              .Register(*registry_)
                              .Add({});
    store_following_ = &pm::BuildGauge()
                            .Name("ranking_store_following")
                            .Help("1 while the server follows other servers' games (PostgreSQL "
                                  "LISTEN); 0 for SQLite, which has one writer")
                            .Register(*registry_)
                            .Add({});
    store_follower_losses_ = &pm::BuildCounter()
                                  .Name("ranking_store_follower_disconnects_total")
                                  .Help("Listener connections lost (it reconnects by itself and "
                                        "reads the games it missed)")
                                  .Register(*registry_)
                                  .Add({});
    store_followed_ = &pm::BuildCounter()
                           .Name("ranking_store_followed_games_total")
                           .Help("Games read by the listener after notifications or reconnects "
                                 "(this server's own included)")
                           .Register(*registry_)
                           .Add({});
    hash_queue_wait_ = &pm::BuildHistogram()
                            .Name("ranking_hash_queue_wait_seconds")
                            .Help("Time a token hash waited for a pool thread")
                            .Register(*registry_)
                            .Add({}, buckets);
    hash_run_ = &pm::BuildHistogram()
                     .Name("ranking_hash_run_seconds")
                     .Help("Time one token hash ran, on the pool or on the loop")
                     .Register(*registry_)
                     .Add({}, buckets);
    in_flight_ = &pm::BuildGauge()
                      .Name("ranking_requests_in_flight")
                      .Help("Data plane requests read and not yet answered")
                      .Register(*registry_)
                      .Add({});
    open_connections_ = &pm::BuildGauge()
                             .Name("ranking_open_connections")
                             .Help("Open data plane connections")
                             .Register(*registry_)
                             .Add({});
    pool_queue_depth_ = &pm::BuildGauge()
                             .Name("ranking_hash_pool_queue_depth")
                             .Help("Token hashes waiting for a pool thread")
                             .Register(*registry_)
                             .Add({});
    auto& mode = pm::BuildGauge()
                     .Name("ranking_hash_mode")
                     .Help("1 for the mode the hash runs in now (offload or inline)")
                     .Register(*registry_);
    for (WorkPlacement m : {WorkPlacement::offload, WorkPlacement::inline_on_loop})
        mode_[index(m)] = &mode.Add({{"mode", std::string(to_string(m))}});
    hashes_shed_ = &pm::BuildCounter()
                        .Name("ranking_hashes_shed_total")
                        .Help("/rank requests answered 503 because too many hashes were waiting")
                        .Register(*registry_)
                        .Add({});
    pages_shed_ = &pm::BuildCounter()
                       .Name("ranking_pages_shed_total")
                       .Help("Pages of games answered 503 at --max-pages-in-flight")
                       .Register(*registry_)
                       .Add({});
    connections_refused_ = &pm::BuildCounter()
                                .Name("ranking_connections_refused_total")
                                .Help("Connections answered 503 at --max-connections")
                                .Register(*registry_)
                                .Add({});
}

std::vector<pm::MetricFamily> ServerMetrics::collect(const LoadLevels& levels, WorkPlacement mode,
                                                     std::optional<double> loop_cpu_seconds) {
    if (loop_cpu_seconds && *loop_cpu_seconds > loop_busy_seen_) {
        loop_busy_->Increment(*loop_cpu_seconds - loop_busy_seen_);
        loop_busy_seen_ = *loop_cpu_seconds;
    }
    in_flight_->Set(static_cast<double>(levels.in_flight.load()));
    open_connections_->Set(static_cast<double>(levels.connections.open_connections.load()));
    pool_queue_depth_->Set(static_cast<double>(levels.hash_queue.load()));
    for (WorkPlacement m : {WorkPlacement::offload, WorkPlacement::inline_on_loop})
        mode_[index(m)]->Set(m == mode ? 1 : 0);
    const auto catch_up = [](prometheus::Counter* counter, long& seen, long now) {
        counter->Increment(static_cast<double>(now - seen));
        seen = now;
    };
    catch_up(hashes_shed_, hashes_shed_seen_, levels.shed_hashes.load());
    catch_up(pages_shed_, pages_shed_seen_, levels.shed_pages.load());
    catch_up(connections_refused_, connections_refused_seen_,
             levels.connections.refused_connections.load());
    return registry_->Collect();
}

std::string ServerMetrics::serialize(const std::vector<pm::MetricFamily>& families) {
    return serialize(families, read_process_stats());
}

std::string ServerMetrics::serialize(std::vector<pm::MetricFamily> families,
                                     const ProcessStats& process) {
    // The names and help of Prometheus' client libraries, so that stock dashboards find them.
    const auto add = [&families](std::string name, std::string help, pm::MetricType type,
                                 std::optional<double> value, pm::ClientMetric metric = {}) {
        if (!value) return;
        (type == pm::MetricType::Counter ? metric.counter.value : metric.gauge.value) = *value;
        families.push_back({std::move(name), std::move(help), type, {std::move(metric)}});
    };
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds",
        pm::MetricType::Counter, process.cpu_seconds);
    add("process_resident_memory_bytes", "Resident memory size in bytes", pm::MetricType::Gauge,
        process.resident_bytes);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes", pm::MetricType::Gauge,
        process.virtual_bytes);
    add("process_open_fds", "Number of open file descriptors", pm::MetricType::Gauge,
        process.open_fds);
    add("process_max_fds", "Maximum number of open file descriptors", pm::MetricType::Gauge,
        process.max_fds);
    add("process_start_time_seconds", "Start time of the process since unix epoch in seconds",
        pm::MetricType::Gauge, process.start_time_seconds);
    pm::ClientMetric build;
    build.label.push_back({"version", std::string(project_version)});
    add("ranking_build_info", "Always 1; the server's version in the label", pm::MetricType::Gauge,
        1.0, std::move(build));
    return pm::TextSerializer().Serialize(families);
}

} // namespace ranking
