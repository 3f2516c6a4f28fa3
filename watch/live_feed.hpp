#pragma once
// The dashboard's stream: one JSON sample per tick, with rates and percentiles over the window
// since the previous sample (from deltas of the Prometheus histograms, as histogram_quantile
// does). One LiveFeed per dashboard connection, used from the admin thread only.
#include "cumulative_histogram.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "server_metrics.hpp"

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace ranking {

class LiveFeed {
public:
    LiveFeed(ServerMetrics& metrics, const LoopWatch& watch, const LoadLevels& levels,
             const std::atomic<WorkPlacement>& mode);

    std::string next_sample();

private:
    ServerMetrics& metrics_;
    const LoopWatch& watch_;
    const LoadLevels& levels_;
    const std::atomic<WorkPlacement>& mode_;
    Clock::time_point previous_at_;
    double previous_busy_ = 0;                          // the loop thread's CPU seconds
    double previous_handler_ = 0;                       // seconds inside our handler scopes
    std::map<std::string, CumulativeBuckets> previous_; // by family name and route
};

} // namespace ranking
