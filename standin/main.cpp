// ranking-federation-standin: a stand-in for a chess federation's rating service, for demos and
// tests. Listens, prints its URL, serves until SIGINT or SIGTERM, prints what it served.
#include "command_line.hpp"
#include "federation_standin.hpp"
#include "version.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

using namespace ranking;

namespace {

namespace po = boost::program_options;

constexpr const char* program = "ranking-federation-standin";

const char* plural(std::uint64_t count) {
    return count == 1 ? "" : "s";
}

} // namespace

int main(int argc, char* argv[]) {
    FederationStandinConfig config;
    unsigned port = 0;
    long latency_ms = 50;
    double failure_rate = 0;
    std::string fail_with = "500";
    po::options_description desc(
        "ranking-federation-standin: a STAND-IN for a chess federation's rating service, for "
        "demos\nand tests, not the real service. It answers GET PREFIX/NAME with a made-up "
        "rating,\n{\"name\":NAME,\"federation\":\"FIDE\",\"rating\":R,\"title\":null} (R the same "
        "for the same name),\nafter --latency-ms (a timer: many requests wait at once on its one "
        "thread), and fails a\nshare of them on purpose as a remote service does (--failure-rate, "
        "--fail-with). Give the\nURL it prints to ranking-server --federation-url. It serves until "
        "SIGINT or SIGTERM, then\nprints how many requests and connections it served.\n\n"
        "Usage: ranking-federation-standin [options]\n\nOptions",
        100, 50);
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version (ranking-federation-standin X.Y.Z) and exit")
        ("address", po::value(&config.address)->default_value(config.address),
         "the address to listen on")
        ("port", po::value(&port)->default_value(port),
         "the port to listen on; 0 takes a free one (printed at start)")
        ("prefix", po::value(&config.prefix)->default_value(config.prefix),
         "the ratings' path: GET PREFIX/NAME; anything else is 404")
        ("latency-ms", po::value(&latency_ms)->default_value(latency_ms),
         "how long each answer waits, 0..600000")
        ("failure-rate", po::value(&failure_rate)->default_value(failure_rate, "0"),
         "the share of rating requests that fail, 0..1, drawn from a fixed seed (the same "
         "requests fail every run); 1 fails them all")
        ("fail-with", po::value(&fail_with)->default_value(fail_with),
         "how they fail: 500 (a 500 with a JSON error), garbage (a 200 whose body is not JSON), "
         "not-http (a line that is no HTTP status line, then close) or reset (the start of a "
         "head, then a TCP reset)");
    // clang-format on
    const auto fail = [&](const std::string& message) {
        std::cerr << program << ": " << message << "\n(see " << program << " --help)\n";
        return 2;
    };
    po::variables_map vm;
    if (auto error = parse_flags(argc, argv, desc, vm)) return fail(*error);
    if (vm.count("version")) {
        std::cout << version_line(program);
        return 0;
    }
    if (vm.count("help")) {
        std::cout << desc
                  << "\nOutput: one line when listening, with the URL to give ranking-server; one "
                     "line when stopped:\nN requests on M connections (at most K open at once).\n"
                     "\nExit status: 0 stopped by SIGINT or SIGTERM, 1 cannot listen, 2 bad "
                     "options.\n";
        return 0;
    }
    error_code address_error;
    net::ip::make_address(config.address, address_error);
    if (address_error) return fail("--address must be an IP address, not '" + config.address + "'");
    if (port > 65535) return fail("--port must be 0..65535");
    config.port = static_cast<std::uint16_t>(port);
    if (!config.prefix.empty() && (config.prefix.front() != '/' ||
                                   config.prefix.find_first_of(" ?#%\t\r\n") != std::string::npos))
        return fail("--prefix must be a path starting with '/', e.g. /ratings, not '" +
                    config.prefix + "'");
    if (latency_ms < 0 || latency_ms > 600'000) return fail("--latency-ms must be 0..600000");
    config.latency = std::chrono::milliseconds(latency_ms);
    if (!std::isfinite(failure_rate) || failure_rate < 0 || failure_rate > 1)
        return fail("--failure-rate must be a number in [0, 1], e.g. 0.2");
    const auto failure = parse_federation_behaviour(fail_with);
    if (!failure || *failure == FederationStandin::Behaviour::ok)
        return fail("--fail-with must be 500, garbage, not-http or reset, not '" + fail_with + "'");

    try {
        // The signals are caught before the first connection can come.
        net::io_context waiting{1};
        net::signal_set signals(waiting, SIGINT, SIGTERM);
        signals.async_wait([](const error_code&, int) {});
        FederationStandin standin(config);
        standin.set_fail_with(*failure);
        standin.set_failure_rate(failure_rate);
        char failures[64] = "0%";
        if (failure_rate > 0)
            std::snprintf(failures, sizeof failures, "%g%% as %s", failure_rate * 100,
                          std::string(to_string(*failure)).c_str());
        std::printf("%s: %s (a stand-in for a federation's rating service: latency %ld ms, "
                    "failures %s)\n",
                    program, standin.url().c_str(), latency_ms, failures);
        std::fflush(stdout);
        waiting.run();
        const auto requests = standin.requests();
        const auto connections = standin.connections_accepted();
        std::printf("%s: %llu request%s on %llu connection%s (at most %llu open at once)\n",
                    program, static_cast<unsigned long long>(requests), plural(requests),
                    static_cast<unsigned long long>(connections), plural(connections),
                    static_cast<unsigned long long>(standin.most_connections_open()));
        std::fflush(stdout);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 1;
    }
}
