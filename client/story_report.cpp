#include "story_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ranking {
namespace {

std::string format(const char* pattern, auto... values) {
    char line[256];
    std::snprintf(line, sizeof line, pattern, values...);
    return line;
}

std::string bar(double start_ms, double finish_ms, double end_ms) {
    constexpr int width = 40;
    const auto column = [&](double ms) {
        return std::clamp(static_cast<int>(std::lround(ms / end_ms * width)), 0, width);
    };
    const int from = column(start_ms);
    const int to = std::max(column(finish_ms), from + 1);
    std::string out(static_cast<std::size_t>(width + 1), ' ');
    for (int i = from; i < to && i <= width; ++i)
        out[static_cast<std::size_t>(i)] = '#';
    return "|" + out + "|";
}

std::string leg_line(const StoryLeg& leg, double end_ms) {
    return format("  %-8s %-18s %s %6.1f -> %6.1f ms  (%5.1f ms)  HTTP %d\n", leg.player.c_str(),
                  leg.target.c_str(), bar(leg.start_ms, leg.finish_ms, end_ms).c_str(),
                  leg.start_ms, leg.finish_ms, leg.finish_ms - leg.start_ms, leg.status);
}

std::string names(const std::vector<const StoryLeg*>& legs) {
    std::string out;
    for (std::size_t i = 0; i < legs.size(); ++i)
        out += (i == 0 ? "" : i + 1 == legs.size() ? " and " : ", ") + legs[i]->player;
    return out;
}

std::string waits(const std::vector<const StoryLeg*>& legs) {
    std::string out;
    for (std::size_t i = 0; i < legs.size(); ++i)
        out += (i == 0                 ? ""
                : i + 1 == legs.size() ? " and "
                                       : ", ") +
               format("%.1f", legs[i]->finish_ms - legs[i]->start_ms);
    return out + " ms";
}

} // namespace

std::string render_timeline(const StoryRun& run) {
    double end_ms = run.alice.finish_ms;
    for (const auto& leg : run.cheap)
        end_ms = std::max(end_ms, leg.finish_ms);
    end_ms = std::max(end_ms, 0.001);
    std::string out = leg_line(run.alice, end_ms);
    for (const auto& leg : run.cheap)
        out += leg_line(leg, end_ms);
    return out;
}

std::string story_verdict(const StoryRun& run) {
    std::vector<const StoryLeg*> waited, free;
    for (const auto& leg : run.cheap)
        (leg.finish_ms > run.alice.finish_ms ? waited : free).push_back(&leg);
    std::string out = "verdict: ";
    if (!waited.empty())
        out += names(waited) + " waited behind alice: answered only after her " +
               format("%.1f", run.hash_ms) + " ms hash, " + waits(waited) +
               " after asking (server mode " + run.mode + ": the loop was blocked)";
    if (!waited.empty() && !free.empty()) out += "; ";
    if (!free.empty())
        out += names(free) + " did not wait for alice: answered in " + waits(free) + " while her " +
               format("%.1f", run.hash_ms) + " ms hash ran (server mode " + run.mode +
               (run.mode == "offload" ? ": the loop stayed free)" : ")");
    return out;
}

} // namespace ranking
