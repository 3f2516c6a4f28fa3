#pragma once
// Reading the results: the side-by-side per mode, the collapse ratio, and whether the run is
// valid (did the tool keep to its plan, or was it the server that fell behind?).
#include "options.hpp"
#include "stats.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ranking::load {

struct ModeSummary {
    std::string mode;
    std::vector<std::size_t> phases;
    double seconds = 0;
    SeriesStats cheap;  // GET /players
    SeriesStats heavy;  // GET /rank
    SeriesStats games;  // POST /games: ok = durable (201)
    SeriesStats canary; // the canary's /healthz
    SeriesStats data;   // every data endpoint together
    double offered_rate = 0;
    double achieved_rate = 0; // data requests sent per second
};

// Phases with the same mode merged, in the order the modes first appear.
std::vector<ModeSummary> summarize_by_mode(const Results& results, const RunPlan& plan);

// The summary of the mode named, if it ran.
const ModeSummary* find_mode(const std::vector<ModeSummary>& modes, std::string_view name);

// inline canary p99 / offload canary p99, when both modes ran with a canary and both p99s are
// latencies: a p99 among canaries never answered within the timeout is none, and a ratio of the
// time the tool gave up on them would be no ratio of latencies.
std::optional<double> collapse_ratio(const std::vector<ModeSummary>& modes);

struct Verdict {
    bool valid = true;
    std::vector<std::string> reasons; // why the run is NOT VALID
    std::vector<std::string> notes;   // what else the reader must know
    double offered_rate = 0;
    double achieved_rate = 0;
    double answered_rate = 0; // requests due in the span that got an HTTP answer
    LatencyHistogram tool_lag{summary_precision};
    double cpu_percent = 0;              // of one core, over the whole run
    std::optional<double> steal_percent; // of the machine's CPU time, taken by its hypervisor
};

Verdict judge(const Results& results, const RunPlan& plan, const LoadOptions& options,
              double cpu_percent, std::optional<double> steal_percent);

// Every data series of a phase together.
SeriesStats data_series(const PhaseStats& phase);

} // namespace ranking::load
