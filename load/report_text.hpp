#pragma once
// The human-readable report: tables per phase and per mode, and the verdict, rendered either
// for the terminal or as Markdown (same content).
#include "analysis.hpp"
#include "control.hpp"
#include "server_scrape.hpp"

#include <string>
#include <vector>

namespace ranking::load {

struct RunReport {
    const LoadOptions& options;
    const RunPlan& plan;
    const Results& results;
    const std::vector<ModeSummary>& modes;
    const Verdict& verdict;
    const std::vector<ToggleMark>& toggles;
    const ServerTimeline& server;
};

std::string render_terminal(const RunReport& report);
std::string render_markdown(const RunReport& report);

} // namespace ranking::load
