#pragma once
// ranking-server's command line.
#include "server_config.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include <sys/types.h>

namespace ranking {

struct ServerOptions {
    ServerConfig server;
    std::optional<double> hash_ms; // calibrate server.hash_iterations to this cost instead
    std::size_t players = 5000;
    bool players_given = false; // --players on the command line (ignored by an existing --db)
    std::optional<std::filesystem::path> club;
    std::optional<std::filesystem::path> config_file; // --config
    bool allow_root = false;                          // --allow-root
    bool verify = false; // --verify: replay the store's games, report, exit
    // Each option as given, in text (the command line over the file): what a reload compares.
    std::map<std::string, std::string> given;
};

// The options, or nothing after printing --help (exit 0) or an error (exit 2) to `out`/`err`.
struct ParsedServerOptions {
    std::optional<ServerOptions> options;
    int exit_code = 0;
};

ParsedServerOptions parse_server_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err);

// Why the server will not run with this effective uid (root without --allow-root), or nothing.
std::optional<std::string> root_refusal(const ServerOptions& options, uid_t effective_uid);

} // namespace ranking
