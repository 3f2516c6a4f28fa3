#include "analysis.hpp"

#include <algorithm>
#include <cstdio>

namespace ranking::load {
namespace {

constexpr double min_achieved_share = 0.97;
constexpr std::uint64_t max_tool_lag_p99_us = 1000;
// Below this, steal is a VM's everyday noise, seen in quiet runs too.
constexpr double noticeable_steal_percent = 1.0;

double seconds_of(nanoseconds span) {
    return std::chrono::duration<double>(span).count();
}

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
    char text[256];
    std::snprintf(text, sizeof text, pattern, a, b, c);
    return text;
}

} // namespace

SeriesStats data_series(const PhaseStats& phase) {
    SeriesStats all;
    for (std::size_t i = 0; i < endpoint_count; ++i)
        all.merge(phase.series[i]);
    return all;
}

std::vector<ModeSummary> summarize_by_mode(const Results& results, const RunPlan& plan) {
    std::vector<ModeSummary> modes;
    for (std::size_t p = 0; p < plan.phases().size(); ++p) {
        const auto& span = plan.phases()[p];
        auto found = std::find_if(modes.begin(), modes.end(),
                                  [&](const ModeSummary& m) { return m.mode == span.mode; });
        if (found == modes.end()) {
            found = modes.insert(modes.end(), ModeSummary{});
            found->mode = span.mode;
        }
        const auto& stats = results.phases[p];
        found->phases.push_back(p);
        found->seconds += seconds_of(span.to - span.from);
        found->cheap.merge(stats.series[index(Series::players)]);
        found->heavy.merge(stats.series[index(Series::rank)]);
        found->games.merge(stats.series[index(Series::games)]);
        found->canary.merge(stats.series[index(Series::canary)]);
        found->data.merge(data_series(stats));
        found->achieved_rate += static_cast<double>(stats.sent);
    }
    for (auto& mode : modes) {
        mode.offered_rate = static_cast<double>(mode.data.planned) / mode.seconds;
        mode.achieved_rate /= mode.seconds;
    }
    return modes;
}

const ModeSummary* find_mode(const std::vector<ModeSummary>& modes, std::string_view name) {
    const auto found = std::find_if(modes.begin(), modes.end(),
                                    [&](const ModeSummary& m) { return m.mode == name; });
    return found == modes.end() ? nullptr : &*found;
}

std::optional<double> collapse_ratio(const std::vector<ModeSummary>& modes) {
    const auto p99_of = [&](std::string_view name) -> std::optional<std::uint64_t> {
        const auto* m = find_mode(modes, name);
        if (!m || m->canary.latency.count() == 0) return std::nullopt;
        return m->canary.latency_percentile(99);
    };
    const auto inline_p99 = p99_of("inline");
    const auto offload_p99 = p99_of("offload");
    if (!inline_p99 || !offload_p99 || *offload_p99 == 0) return std::nullopt;
    return static_cast<double>(*inline_p99) / static_cast<double>(*offload_p99);
}

Verdict judge(const Results& results, const RunPlan& plan, const LoadOptions& options,
              double cpu_percent, std::optional<double> steal_percent) {
    Verdict verdict;
    verdict.cpu_percent = cpu_percent;
    verdict.steal_percent = steal_percent;
    const bool stolen = steal_percent && *steal_percent >= noticeable_steal_percent;
    if (stolen)
        verdict.notes.push_back(
            format("the hypervisor took %.1f%% of this machine's CPU time during the run (steal): "
                   "every thread here waited for it, the server's and this tool's alike, so these "
                   "latencies measure the host too",
                   *steal_percent));
    SeriesStats data;
    std::uint64_t sent = 0;
    for (const auto& phase : results.phases) {
        data.merge(data_series(phase));
        verdict.tool_lag.merge(phase.tool_lag);
        sent += phase.sent;
    }
    const double seconds = seconds_of(plan.end() - plan.measured_from());
    verdict.offered_rate = static_cast<double>(data.planned) / seconds;
    verdict.achieved_rate = static_cast<double>(sent) / seconds;
    const auto answered = data.ok + data.errors[static_cast<std::size_t>(ErrorClass::http_status)];
    verdict.answered_rate = static_cast<double>(answered) / seconds;

    if (!options.rate) {
        // emplace_back builds the string in place: push_back of a temporary made from the
        // literal trips GCC 12's false -Warray-bounds on the moved string at -O3 (a plain
        // CMAKE_BUILD_TYPE=Release build), one of GCC 12's known std::string false positives.
        verdict.notes.emplace_back(
            "closed loop (--rate max): a throughput ceiling only; each connection waited for its "
            "answer before sending again, so latencies hide queueing and are not comparable to "
            "open-loop runs");
        return verdict;
    }
    const auto lag_p99 = verdict.tool_lag.percentile(99);
    if (lag_p99 > max_tool_lag_p99_us) {
        verdict.valid = false;
        // A tool that is mostly idle yet late was not scheduled: the cores were busy elsewhere.
        const char* why = cpu_percent >= 50
                              ? "it used %.0f%% of a core: try --threads or a lower --rate"
                              : "it used only %.0f%% of a core, so its thread waited for a CPU: "
                                "the machine was busy (the server's own threads, a build?)";
        verdict.reasons.push_back(
            format(
                "the tool's own send lag p99 is %.2f ms (> 1 ms): it could not keep to its plan; ",
                static_cast<double>(lag_p99) / 1000.0) +
            format(why, cpu_percent) +
            (stolen && cpu_percent < 50 ? ", or its hypervisor ran something else (the steal "
                                          "note below)"
                                        : ""));
    }
    // Requests that found every connection busy were held by the server, not by the tool; so
    // were those whose connection the server refused.
    const auto shortfall = data.planned > sent ? data.planned - sent : 0;
    const auto server_held =
        data.waited + data.errors[static_cast<std::size_t>(ErrorClass::connect)];
    if (verdict.achieved_rate < min_achieved_share * verdict.offered_rate) {
        if (shortfall > server_held) {
            verdict.valid = false;
            verdict.reasons.push_back(format(
                "achieved %.1f/s of %.1f/s offered (< 97%%) although connections were free: the "
                "tool could not send fast enough",
                verdict.achieved_rate, verdict.offered_rate));
        } else {
            verdict.notes.push_back(format(
                "achieved %.1f/s of %.1f/s offered: the server held every connection (%.0f "
                "requests waited for one), so the shortfall is the server's and the wait counts "
                "in latency",
                verdict.achieved_rate, verdict.offered_rate, static_cast<double>(data.waited)));
        }
    }
    if (data.waited > 0 && verdict.achieved_rate >= min_achieved_share * verdict.offered_rate)
        verdict.notes.push_back(format(
            "%.0f requests (%.2f%%) found all connections busy and waited for one; that wait "
            "counts in their latency (more --connections only helps if the server was healthy)",
            static_cast<double>(data.waited),
            100.0 * static_cast<double>(data.waited) / static_cast<double>(data.planned)));
    if (results.reconnects > 0)
        verdict.notes.push_back(format("%.0f stale keep-alive connections were reopened and "
                                       "their request resent (timed from the first due time)",
                                       static_cast<double>(results.reconnects)));
    return verdict;
}

} // namespace ranking::load
