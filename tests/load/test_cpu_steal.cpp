// The machine's steal over a run: read from /proc/stat's text, and what the verdict says of it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "analysis.hpp"
#include "cpu_steal.hpp"
#include "options.hpp"
#include "run_plan.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace ranking::load;
using namespace std::chrono_literals;

namespace {

bool has_steal_note(const Verdict& verdict) {
    return std::any_of(verdict.notes.begin(), verdict.notes.end(), [](const std::string& note) {
        return note.find("hypervisor took") != std::string::npos;
    });
}

// A one-phase open-loop run of 1,000 requests, all sent, the tool late by `lag_us` each time.
Verdict judged(std::uint64_t lag_us, double cpu_percent, std::optional<double> steal) {
    const RunPlan plan(0ms, 10'000ms, 10'000ms, {}, "offload");
    Results results;
    results.phases.resize(1);
    results.phases[0].series[index(Series::players)].planned = 1000;
    results.phases[0].sent = 1000;
    results.phases[0].tool_lag.record(lag_us, 1000);
    LoadOptions options;
    options.rate = 100;
    return judge(results, plan, options, cpu_percent, steal);
}

} // namespace

TEST_CASE("the aggregate cpu line gives all ticks and the steal among them") {
    const auto times =
        parse_cpu_times("cpu  100 5 50 800 20 3 2 20 7 0\ncpu0 50 2 25 400 10 1 1 10 3 0\n");
    REQUIRE(times);
    CHECK(times->total == 1000); // user .. steal; guest (7) is inside user already
    CHECK(times->steal == 20);
    CHECK_FALSE(parse_cpu_times("cpu0 1 2 3 4 5 6 7 8\n"));    // not the aggregate line
    CHECK_FALSE(parse_cpu_times("cpu  1 2 3 4 5 6 7\n"));      // no steal field (old kernels)
    CHECK_FALSE(parse_cpu_times("cpu  1 2 3 4 5 6 7\n8 9\n")); // nor from the next line
    CHECK_FALSE(parse_cpu_times("intr 1 2 3 4 5 6 7 8 9\n"));  // not a stat text
}

TEST_CASE("steal is a share of the CPU time between two readings") {
    const CpuTimes before{10'000, 100};
    const CpuTimes after{12'000, 200};
    const auto share = steal_percent(before, after);
    REQUIRE(share);
    CHECK(*share == doctest::Approx(5.0));
    CHECK_FALSE(steal_percent(std::nullopt, after));
    CHECK_FALSE(steal_percent(before, before)); // no time passed
}

TEST_CASE("much steal is noted, and named as a cause when an idle tool fell behind") {
    const auto quiet = judged(50, 30, 0.2);
    CHECK(quiet.valid);
    CHECK_FALSE(has_steal_note(quiet));
    REQUIRE(quiet.steal_percent);
    CHECK(*quiet.steal_percent == doctest::Approx(0.2));

    const auto stolen_on_time = judged(50, 30, 5.0);
    CHECK(stolen_on_time.valid);
    CHECK(has_steal_note(stolen_on_time));

    const auto stolen_late = judged(5'000, 30, 5.0);
    CHECK_FALSE(stolen_late.valid);
    REQUIRE(stolen_late.reasons.size() == 1);
    CHECK(stolen_late.reasons[0].find("hypervisor") != std::string::npos);

    const auto busy_late = judged(5'000, 30, 0.2); // late without steal: the cores were busy
    CHECK_FALSE(busy_late.valid);
    REQUIRE(busy_late.reasons.size() == 1);
    CHECK(busy_late.reasons[0].find("hypervisor") == std::string::npos);

    CHECK_FALSE(judged(50, 30, std::nullopt).steal_percent); // not Linux: nothing said
}
