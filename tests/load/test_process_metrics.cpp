// The process_* families and ranking_build_info on the server's /metrics, rendered as GET /metrics
// renders them and read back with ranking-load's parser.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "load_levels.hpp"
#include "metrics_text.hpp"
#include "process_stats.hpp"
#include "server_metrics.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace ranking;
using namespace ranking::load;

namespace {

struct Family {
    const char* name;
    const char* type;
};

const std::vector<Family> process_families{{"process_cpu_seconds_total", "counter"},
                                           {"process_resident_memory_bytes", "gauge"},
                                           {"process_virtual_memory_bytes", "gauge"},
                                           {"process_open_fds", "gauge"},
                                           {"process_max_fds", "gauge"},
                                           {"process_start_time_seconds", "gauge"}};

std::string scrape() {
    ServerMetrics metrics;
    const LoadLevels levels;
    return ServerMetrics::serialize(
        metrics.collect(levels, WorkPlacement::offload, std::optional(0.5)));
}

const MetricSample* find(const std::vector<MetricSample>& samples, const std::string& name) {
    for (const auto& sample : samples)
        if (sample.name == name) return &sample;
    return nullptr;
}

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TEST_CASE("/metrics has every process family and the build info, each with HELP and TYPE") {
    const auto text = scrape();
    const auto samples = parse_metrics_text(text);
    auto families = process_families;
    families.push_back({"ranking_build_info", "gauge"});
    for (const auto& family : families) {
        CAPTURE(family.name);
        const std::string name = family.name;
        CHECK(text.find("# HELP " + name + " ") != std::string::npos);
        CHECK(text.find("# TYPE " + name + " " + family.type + "\n") != std::string::npos);
        CHECK(find(samples, name) != nullptr);
    }
    // The registry's own families are still there.
    CHECK(find(samples, "ranking_event_loop_busy_seconds_total") != nullptr);
}

TEST_CASE("the process figures on /metrics are this process's") {
    const auto samples = parse_metrics_text(scrape());
    const auto value = [&](const char* name) {
        const auto* sample = find(samples, name);
        REQUIRE(sample != nullptr);
        CHECK(sample->labels.empty());
        return sample->value;
    };
    CHECK(value("process_cpu_seconds_total") >= 0);
    CHECK(value("process_resident_memory_bytes") > 0);
    CHECK(value("process_virtual_memory_bytes") >= value("process_resident_memory_bytes"));
    const double open = value("process_open_fds");
    CHECK(open >= 3); // stdin, stdout, stderr
    CHECK(open <= value("process_max_fds"));
    // Started within the last day; a second's slack for /proc/stat's boot time in whole seconds.
    const double started = value("process_start_time_seconds");
    const double now = unix_now();
    CHECK(started <= now + 1);
    CHECK(started > now - 24 * 3600);
}

TEST_CASE("ranking_build_info carries the project's version and the value 1") {
    const auto samples = parse_metrics_text(scrape());
    const auto* info = find(samples, "ranking_build_info");
    REQUIRE(info != nullptr);
    CHECK(info->value == 1);
    REQUIRE(info->labels.size() == 1);
    REQUIRE(info->label("version") != nullptr);
    CHECK(*info->label("version") == RANKING_PROJECT_VERSION); // project(VERSION) in CMake
}

TEST_CASE("a process figure that could not be read leaves its family out") {
    ProcessStats partial;
    partial.open_fds = 7;
    const auto text = ServerMetrics::serialize({}, partial);
    const auto samples = parse_metrics_text(text);
    for (const auto& family : process_families) {
        CAPTURE(family.name);
        const std::string name = family.name;
        const bool wanted = name == "process_open_fds";
        CHECK((find(samples, name) != nullptr) == wanted);
        CHECK((text.find("# TYPE " + name + " ") != std::string::npos) == wanted);
    }
    CHECK(find(samples, "process_open_fds")->value == 7);
    CHECK(find(samples, "ranking_build_info") != nullptr);
}

TEST_CASE("read_process_stats reads every figure on Linux") {
    const auto stats = read_process_stats();
    CHECK(stats.cpu_seconds);
    CHECK(stats.resident_bytes);
    CHECK(stats.virtual_bytes);
    CHECK(stats.open_fds);
    CHECK(stats.max_fds);
    CHECK(stats.start_time_seconds);
}
