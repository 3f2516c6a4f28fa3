#pragma once
// One run end to end: shards of connections on their own threads, and on the calling thread the
// canary, the toggles, the server's /metrics and the progress line.
#include "control.hpp"
#include "options.hpp"
#include "server_scrape.hpp"
#include "stats.hpp"

#include <boost/asio/io_context.hpp>

#include <optional>
#include <vector>

namespace ranking::load {

struct RunOutput {
    Results results; // every thread's, merged
    std::vector<ToggleMark> toggles;
    ServerTimeline server;  // the admin plane's view, second by second
    double cpu_percent = 0; // the tool's CPU time over the run's wall time, in % of one core
    std::optional<double> steal_percent; // the machine's, over the run (load/cpu_steal.hpp)
};

// Throws RampError when the connections cannot be opened, std::runtime_error on other failures.
RunOutput execute_run(const LoadOptions& options, const Club& club, const RunPlan& plan,
                      net::io_context& control);

} // namespace ranking::load
