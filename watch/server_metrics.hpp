#pragma once
// The server's Prometheus metrics (prometheus-cpp core), in base units. Every series is created
// up front, so the hot path never looks a label set up. Thread-safe: the loop observes, the pool
// observes, the admin thread collects.
#include "data_api.hpp"
#include "game_store.hpp"
#include "load_levels.hpp"
#include "mode.hpp"
#include "process_stats.hpp"
#include "stall_kind.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

class ServerMetrics {
public:
    ServerMetrics();

    void observe_loop_lag(double seconds) { loop_lag_->Observe(seconds); }
    // Our handler scopes' time on the loop, by route: a breakdown of the loop's busy time.
    void add_handler_time(Route route, double seconds) {
        handler_time_[index(route)]->Increment(seconds);
    }
    void count_stall(Route route, StallKind kind) {
        stalls_[index(route)][static_cast<std::size_t>(kind)]->Increment();
    }
    void observe_handler(Route route, WorkPlacement mode, double seconds) {
        handler_[index(route)][index(mode)]->Observe(seconds);
    }
    void observe_request(Route route, WorkPlacement mode, double seconds) {
        request_[index(route)][index(mode)]->Observe(seconds);
    }
    void observe_hash(double queue_wait_seconds, double run_seconds) {
        hash_queue_wait_->Observe(queue_wait_seconds);
        hash_run_->Observe(run_seconds);
    }

    void count_game(RecordOutcome::Kind outcome) {
        games_[static_cast<std::size_t>(outcome)]->Increment();
    }
    // One store transaction: how many games it carried and how long it took, fsync included.
    void observe_commit(std::size_t games, double seconds) {
        commit_seconds_->Observe(seconds);
        commit_games_->Observe(static_cast<double>(games));
    }

    // A networked store lost (false) or regained (true) its database connection.
    void store_connection(bool up) {
        store_connected_->Set(up ? 1 : 0);
        if (!up) store_disconnects_->Increment();
    }

    // The connection following other servers' games (PostgreSQL's LISTEN) was lost (false) or
    // listens again (true); and the games it read.
    void store_follower(bool listening) {
        store_following_->Set(listening ? 1 : 0);
        if (!listening) store_follower_losses_->Increment();
    }
    void store_followed(std::size_t games) {
        store_followed_->Increment(static_cast<double>(games));
    }

    // The gauges are read from their owners' atomics just before each collection, and the busy
    // counter from the loop thread's CPU clock (`loop_cpu_seconds`, when there is one).
    // Admin thread only.
    std::vector<prometheus::MetricFamily> collect(const LoadLevels& levels, WorkPlacement mode,
                                                  std::optional<double> loop_cpu_seconds);

    // The text exposition format, for GET /metrics: these families, then the process's own
    // (process_*, read from /proc at each call) and ranking_build_info.
    // Admin thread only: /metrics is rendered there, never on the data loop (/proc reads block).
    static std::string serialize(const std::vector<prometheus::MetricFamily>& families);
    // The same with the process's figures given: a field left empty leaves its family out.
    static std::string serialize(std::vector<prometheus::MetricFamily> families,
                                 const ProcessStats& process);

    static const prometheus::Histogram::BucketBoundaries& latency_buckets();

private:
    static std::size_t index(Route route) { return static_cast<std::size_t>(route); }
    static std::size_t index(WorkPlacement mode) { return mode == WorkPlacement::offload ? 0 : 1; }

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Histogram* loop_lag_;
    prometheus::Counter* loop_busy_;
    double loop_busy_seen_ = 0;
    std::array<prometheus::Counter*, route_count> handler_time_{};
    std::array<std::array<prometheus::Counter*, stall_kinds.size()>, route_count> stalls_{};
    std::array<std::array<prometheus::Histogram*, 2>, route_count> handler_{};
    std::array<std::array<prometheus::Histogram*, 2>, route_count> request_{};
    static constexpr std::size_t outcome_count = 6;
    std::array<prometheus::Counter*, outcome_count> games_{};
    prometheus::Histogram* commit_seconds_;
    prometheus::Histogram* commit_games_;
    prometheus::Gauge* store_connected_;
    prometheus::Counter* store_disconnects_;
    prometheus::Gauge* store_following_;
    prometheus::Counter* store_follower_losses_;
    prometheus::Counter* store_followed_;
    prometheus::Histogram* hash_queue_wait_;
    prometheus::Histogram* hash_run_;
    prometheus::Gauge* in_flight_;
    prometheus::Gauge* open_connections_;
    prometheus::Gauge* pool_queue_depth_;
    std::array<prometheus::Gauge*, 2> mode_{};
    // Counters mirrored from LoadLevels' tallies at each collection (admin thread only).
    prometheus::Counter* hashes_shed_;
    prometheus::Counter* pages_shed_;
    prometheus::Counter* connections_refused_;
    long hashes_shed_seen_ = 0;
    long pages_shed_seen_ = 0;
    long connections_refused_seen_ = 0;
};

} // namespace ranking
