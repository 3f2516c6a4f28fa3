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

constexpr int bar_width = 40;

int column(double ms, double end_ms) {
    return std::clamp(static_cast<int>(std::lround(ms / end_ms * bar_width)), 0, bar_width);
}

std::string bar(const StoryLeg& leg, double end_ms) {
    const int from = column(leg.start_ms, end_ms);
    const int head = std::max(column(leg.head_ms, end_ms), from + 1);
    const int to = std::max(column(leg.finish_ms, end_ms), head);
    std::string out(static_cast<std::size_t>(bar_width + 1), ' ');
    for (int i = from; i < to && i <= bar_width; ++i)
        out[static_cast<std::size_t>(i)] = i < head ? '#' : '=';
    return "|" + out + "|";
}

std::string leg_line(const StoryLeg& leg, double end_ms) {
    return format("  %-8s %-18s %s %6.1f -> %6.1f ms  (%5.1f ms)  HTTP %d\n", leg.player.c_str(),
                  leg.target.c_str(), bar(leg, end_ms).c_str(), leg.start_ms, leg.finish_ms,
                  leg.finish_ms - leg.start_ms, leg.status);
}

// A body that took columns to arrive: what the '=' stand for, with its own times.
std::string body_note(const StoryLeg& leg, double end_ms) {
    if (column(leg.finish_ms, end_ms) <= column(leg.head_ms, end_ms) + 1) return "";
    return format("  %-8s answer began at %.1f ms; its body arrived until %.1f ms ('=')\n",
                  leg.player.c_str(), leg.head_ms, leg.finish_ms);
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
    return out + body_note(run.alice, end_ms);
}

std::string story_verdict(const StoryRun& run) {
    std::vector<const StoryLeg*> late, waited, free;
    for (const auto& leg : run.cheap)
        (leg.start_ms >= run.alice.head_ms   ? late
         : leg.finish_ms > run.alice.head_ms ? waited
                                             : free)
            .push_back(&leg);
    std::vector<std::string> parts;
    if (!waited.empty())
        parts.push_back(names(waited) + " waited behind alice: answered only after her " +
                        run.alice_work + ", " + waits(waited) + " after asking (server mode " +
                        run.mode + ": the loop was blocked)");
    if (!free.empty())
        parts.push_back(names(free) + " did not wait for alice: answered in " + waits(free) +
                        " while her " + run.alice_work + " ran (server mode " + run.mode +
                        (run.mode == "offload" ? ": the loop stayed free)" : ")"));
    if (!late.empty())
        parts.push_back(names(late) + " asked only after alice was answered (her " +
                        run.alice_work + " was over in " +
                        format("%.1f", run.alice.head_ms - run.alice.start_ms) +
                        " ms): no one could wait behind her");
    std::string out = "verdict: ";
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : "; ") + parts[i];
    return out;
}

} // namespace ranking
