#pragma once
// ranking-server's command line.
#include "mode.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace ranking {

inline constexpr std::uint32_t default_hash_iterations = 100'000; // ~22-30 ms on one core here

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string admin_address = "127.0.0.1";
    std::uint16_t admin_port = 8081;
    HashMode mode = HashMode::offload;
    unsigned pool_threads = 1;
    std::uint32_t hash_iterations = default_hash_iterations;
    std::optional<double> hash_ms; // calibrate iterations to this cost instead
    std::size_t players = 5000;
    std::optional<std::filesystem::path> club;
    std::chrono::milliseconds stall_warn{100};
    std::filesystem::path dashboard_directory;
};

// The options, or nothing after printing --help (exit 0) or an error (exit 2) to `out`/`err`.
struct ParsedServerOptions {
    std::optional<ServerOptions> options;
    int exit_code = 0;
};

ParsedServerOptions parse_server_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err);

} // namespace ranking
