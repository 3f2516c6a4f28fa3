// ranking-server: parse options, refuse root unless allowed, bind, open the store (building the
// club when new), print one startup line, serve. Or, with --verify, replay the store and exit.
#include "club.hpp"
#include "club_verify.hpp"
#include "config_reload.hpp"
#include "file_limit.hpp"
#include "log.hpp"
#include "ranking_server.hpp"
#include "server_options.hpp"
#include "token.hpp"

#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>

#include <malloc.h>
#include <unistd.h>

using namespace ranking;

namespace {

// --verify: a progress line on stderr, the verdict on stdout; exit 0 agrees, 1 differs, 2 the
// store cannot be read.
int verify(const ServerConfig& config) {
    const auto report = verify_club(database_of(config), config.store.periods_per_day,
                                    [](std::int64_t checked, std::int64_t total) {
                                        std::fprintf(stderr,
                                                     "ranking-server --verify: %lld of %lld "
                                                     "games replayed\n",
                                                     static_cast<long long>(checked),
                                                     static_cast<long long>(total));
                                    });
    if (report.passed) {
        std::printf("ranking-server --verify: %lld games replayed in %.1f s: the store agrees\n",
                    static_cast<long long>(report.games), report.seconds);
        return 0;
    }
    std::printf("ranking-server --verify: %s\n", report.difference.c_str());
    return report.read ? 1 : 2;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

// SIGHUP, on the admin loop: the options read again and what can change applied; the rest
// named. A configuration that no longer parses changes nothing.
void reload(int argc, char* argv[], ServerOptions& running, RankingServer& server) {
    std::ostringstream help, why;
    const auto next = parse_server_options(argc, argv, help, why);
    if (!next.options) {
        auto reason = why.str();
        reason = reason.substr(0, reason.find('\n'));
        log_format(LogLevel::warning, "%s; reload refused, the running settings stay\n",
                   reason.c_str());
        return;
    }
    const auto plan = plan_reload(running, *next.options);
    server.apply_reload(plan);
    adopt_reload(running, *next.options, plan);
    log_format(LogLevel::notice, "ranking-server: reloaded: %s%s%s\n",
               plan.applied.empty() ? "nothing changed"
                                    : ("changed " + joined(plan.applied)).c_str(),
               plan.need_restart.empty() ? "" : "; needs a restart to change: ",
               joined(plan.need_restart).c_str());
}

} // namespace

int main(int argc, char* argv[]) {
    // Large buffers (pages of games, their store reads) come from mmap and go back to the system
    // when freed: glibc's default threshold rises past them after the first is freed, and the
    // next ones then stay in the heap after their readers have gone.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    const auto parsed = parse_server_options(argc, argv, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    const ServerOptions& options = *parsed.options;
    // Before anything is opened or created: a refused start leaves nothing behind.
    if (const auto refusal = root_refusal(options, ::geteuid())) {
        std::cerr << *refusal << "\n";
        return 2;
    }
    set_log_level(options.server.log_level);
    if (options.verify) return verify(options.server);
    try {
        const auto make_roster = [&options] {
            return options.club ? load_roster(*options.club) : generate_club(options.players);
        };
        ServerConfig config = options.server;
        if (options.hash_ms)
            config.hash_iterations =
                calibrate_iterations(std::chrono::duration<double, std::milli>(*options.hash_ms));
        if (config.secret.empty()) config.secret = random_secret(); // no file, no variable
        const long files = raise_open_file_limit().soft;
        if (config.limits.max_connections == 0) // the open-file limit less a reserve
            config.limits.max_connections = default_max_connections(files);
        const double hash_ms = measure_hash(config.hash_iterations).count();

        if (config.write_token.empty() && !net::ip::make_address(config.address).is_loopback())
            log_format(LogLevel::warning,
                       "ranking-server: warning: the data plane on %s is not loopback and has "
                       "no write token: anyone who reaches it may post games (see "
                       "--write-token-file)\n",
                       config.address.c_str());
        RankingServer server(config, make_roster);
        const auto& store = server.opened_store();
        const auto club_size = server.club_size_at_open();
        const std::string store_line =
            store.created
                ? "created " + store.name + " with the club"
                : "loaded " + store.name + " (" + std::to_string(club_size) + " players, " +
                      std::to_string(store.games) + (store.games == 1 ? " game" : " games") +
                      (options.club || options.players_given ? "; --players/--club ignored" : "") +
                      ")";
        const std::string storage_line =
            config.postgres
                ? ""
                : " (storage thread priority " + to_string(config.storage_priority) +
                      ", commits >= " + std::to_string(config.store.commit_spacing.count()) +
                      " us apart)";
        std::printf("ranking-server: data %s | admin %s | mode %s | pool %u thread%s (priority %s) "
                    "| hash %u "
                    "iterations = %.1f ms | club %zu players | store: %s%s | max connections %zu | "
                    "max pending hashes %ld | max pages in flight %ld\n",
                    server.data_url().c_str(), server.admin_url().c_str(),
                    std::string(to_string(config.mode)).c_str(), config.pool_threads,
                    config.pool_threads == 1 ? "" : "s", to_string(config.pool_priority).c_str(),
                    config.hash_iterations, hash_ms, club_size, store_line.c_str(),
                    storage_line.c_str(), config.limits.max_connections, config.max_pending_hashes,
                    config.max_pages_in_flight);
        std::fflush(stdout);

        // SIGHUP reads the options again, on the admin loop: reading files is no work for the
        // data loop. The wait is renewed after each; the admin loop's stop ends it.
        net::signal_set hangups(server.admin_executor(), SIGHUP);
        ServerOptions running = options;
        std::function<void()> await_hangup = [&] {
            hangups.async_wait([&](const error_code& ec, int) {
                if (ec) return;
                reload(argc, argv, running, server);
                await_hangup();
            });
        };
        await_hangup();
        net::signal_set signals(server.data_executor(), SIGINT, SIGTERM);
        signals.async_wait([&server](const error_code& ec, int) {
            if (ec) return;
            log_format(LogLevel::notice,
                       "ranking-server: stopping (finishing answers in flight)\n");
            server.request_stop();
        });
        server.run();
        log_format(LogLevel::notice, "ranking-server: stopped\n");
        return 0;
    } catch (const std::exception& e) {
        log_format(LogLevel::error, "ranking-server: %s\n", e.what());
        return 1;
    }
}
