#include "server_options.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <thread>

namespace ranking {

namespace po = boost::program_options;

ParsedServerOptions parse_server_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err) {
    ServerOptions o;
    ServerConfig& c = o.server;
    c.pool_threads = std::max(1u, std::thread::hardware_concurrency() - 1);
    std::string mode = "offload";
    std::string club;
    long stall_warn_ms = c.stall_warn.count();
    std::string dashboard = RANKING_DASHBOARD_DIR;
    po::options_description desc(
        "ranking-server: a chess club's ranking service on ONE event loop.\n"
        "Each /rank answer carries a PBKDF2 token; in offload mode it is computed on a thread\n"
        "pool and the loop stays free, in inline mode on the loop itself and everyone waits.\n\n"
        "Usage: ranking-server [options]\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("address", po::value(&c.address)->default_value(c.address), "data plane address")
        ("port", po::value(&c.port)->default_value(c.port), "data plane port (0: any free port)")
        ("admin-address", po::value(&c.admin_address)->default_value(c.admin_address),
         "admin plane address")
        ("admin-port", po::value(&c.admin_port)->default_value(c.admin_port),
         "admin plane port (0: any free port)")
        ("mode", po::value(&mode)->default_value(mode),
         "where the hash runs: offload (thread pool) or inline (on the loop)")
        ("blocking", "same as --mode inline")
        ("pool-threads", po::value(&c.pool_threads)->default_value(c.pool_threads),
         "hash pool threads (default: cores - 1, at least 1)")
        ("hash-iterations", po::value(&c.hash_iterations)->default_value(c.hash_iterations),
         "PBKDF2 iterations per token")
        ("hash-ms", po::value<double>(),
         "calibrate the iterations at start so that one token costs about this many ms")
        ("players", po::value(&o.players)->default_value(o.players),
         "size of the generated club (includes alice, bob and charlie)")
        ("club", po::value(&club), "load the roster from a .csv (name,rating) or .json file")
        ("stall-warn-ms", po::value(&stall_warn_ms)->default_value(stall_warn_ms),
         "log a warning naming the culprit when the data loop is blocked this long")
        ("dashboard-dir", po::value(&dashboard)->default_value(dashboard),
         "where the admin plane's dashboard files are");
    // clang-format on
    const auto fail = [&](const std::string& message) {
        err << "ranking-server: " << message << "\n(see ranking-server --help)\n";
        return ParsedServerOptions{std::nullopt, 2};
    };
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(e.what());
    }
    if (vm.count("help")) {
        out << desc
            << "\nEnvironment:\n  RANKING_SECRET  the token secret (default: random per "
               "start; never printed)\n";
        return {std::nullopt, 0};
    }
    const auto parsed_mode = parse_mode(mode);
    if (!parsed_mode) return fail("--mode must be 'offload' or 'inline', not '" + mode + "'");
    c.mode = vm.count("blocking") ? HashMode::inline_on_loop : *parsed_mode;
    if (vm.count("blocking") && *parsed_mode == HashMode::offload && !vm["mode"].defaulted())
        return fail("--blocking contradicts --mode offload");
    if (c.pool_threads < 1 || c.pool_threads > 256) return fail("--pool-threads must be 1..256");
    if (c.hash_iterations < 1 || c.hash_iterations > 100'000'000)
        return fail("--hash-iterations must be 1..100000000");
    if (vm.count("hash-ms")) {
        if (!vm["hash-iterations"].defaulted())
            return fail("give --hash-iterations or --hash-ms, not both");
        o.hash_ms = vm["hash-ms"].as<double>();
        if (!(*o.hash_ms >= 0.01 && *o.hash_ms <= 60'000))
            return fail("--hash-ms must be between 0.01 and 60000");
    }
    if (stall_warn_ms < 1 || stall_warn_ms > 600'000)
        return fail("--stall-warn-ms must be 1..600000");
    c.stall_warn = std::chrono::milliseconds(stall_warn_ms);
    c.dashboard_directory = dashboard;
    if (o.players < 3 || o.players > 1'000'000) return fail("--players must be 3..1000000");
    if (!club.empty()) {
        if (!vm["players"].defaulted()) return fail("give --players or --club, not both");
        o.club = club;
    }
    return {o, 0};
}

} // namespace ranking
