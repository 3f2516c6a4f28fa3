#pragma once
// ranking-load's command line.
#include "http_url.hpp"
#include "mix.hpp"
#include "run_plan.hpp"
#include "schedule.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ranking::load {

struct LoadOptions {
    std::string url = "http://127.0.0.1:8080";
    std::string admin_url = "http://127.0.0.1:8081";
    HttpEndpoint server;
    HttpEndpoint admin;
    std::string admin_token; // sent as "Bearer TOKEN" to the admin plane; empty: none
    std::string write_token; // RANKING_WRITE_TOKEN, sent as "Bearer TOKEN" with the data requests
    std::optional<double> rate; // requests per second; nothing: closed loop ("max")
    milliseconds duration{10'000};
    milliseconds warmup{1'000};
    milliseconds timeout{10'000};
    unsigned connections = 64;
    unsigned threads = 1;
    Arrivals arrivals = Arrivals::uniform;
    std::uint64_t seed = 1;
    Mix mix;
    double canary_rate = 50; // 0: no canary
    std::vector<Toggle> toggles;
    std::size_t player_names = 1000;
    std::optional<std::filesystem::path> json;
    std::optional<std::filesystem::path> csv;
    std::optional<std::filesystem::path> markdown;
    bool progress = true;
    bool server_metrics = true; // scrape the admin plane's /metrics once a second
};

// The options, or nothing after printing --help (exit 0) or an error (exit 2).
struct ParsedLoadOptions {
    std::optional<LoadOptions> options;
    int exit_code = 0;
};

ParsedLoadOptions parse_load_options(int argc, const char* const argv[], std::ostream& out,
                                     std::ostream& err);

// "1.5s", "500ms", "2m" or a bare number of seconds; nothing when malformed or negative.
std::optional<milliseconds> parse_duration(std::string_view text);

} // namespace ranking::load
