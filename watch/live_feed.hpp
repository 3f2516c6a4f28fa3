#pragma once
// The dashboard's stream: one JSON sample per tick, with rates and percentiles over the window
// since the previous sample (from deltas of the Prometheus histograms, as histogram_quantile
// does). One for the server (LiveHistory keeps what it says), used from the admin thread only.
#include "cumulative_histogram.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "server_metrics.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ranking {

class LiveFeed {
public:
    LiveFeed(ServerMetrics& metrics, const LoopWatch& watch, const LoadLevels& levels,
             const std::atomic<WorkPlacement>& mode, std::uint16_t data_port);

    std::string next_sample();

private:
    ServerMetrics& metrics_;
    const LoopWatch& watch_;
    const LoadLevels& levels_;
    const std::atomic<WorkPlacement>& mode_;
    std::uint16_t data_port_; // where the dashboard sends its own /healthz requests
    Clock::time_point previous_at_;
    double previous_busy_ = 0;                          // the loop thread's CPU seconds
    double previous_handler_ = 0;                       // seconds inside our handler scopes
    std::map<std::string, CumulativeBuckets> previous_; // by family name and route
};

} // namespace ranking
