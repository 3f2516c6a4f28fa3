#include "server_options.hpp"

#include "command_line.hpp"
#include "dashboard_location.hpp"
#include "http_url.hpp"
#include "net.hpp"
#include "version.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>

#include <algorithm>
#include <fstream>
#include <thread>
#include <tuple>

namespace ranking {

namespace po = boost::program_options;

namespace {

// A token file's first line, without surrounding blanks; nothing when unreadable or empty.
std::optional<std::string> read_token_file(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) return std::nullopt;
    return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

// Each option as given, in text, the first giving winning (the command line before the file, as
// po::store keeps them): what a reload compares.
void record_given(const po::parsed_options& parsed, std::map<std::string, std::string>& given) {
    for (const auto& option : parsed.options) {
        std::string text;
        for (const auto& value : option.value)
            text += (text.empty() ? "" : " ") + value;
        if (option.string_key == "admin-host") // repeatable: every one counts
            given[option.string_key] += (given[option.string_key].empty() ? "" : " ") + text;
        else
            given.emplace(option.string_key, text);
    }
}

} // namespace

ParsedServerOptions parse_server_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err) {
    ServerOptions o;
    ServerConfig& c = o.server;
    c.pool_threads = std::max(1u, std::thread::hardware_concurrency() - 1);
    std::string mode = "offload";
    std::string pool_priority = to_string(c.pool_priority);
    std::string storage_priority = to_string(c.storage_priority);
    std::string club;
    long stall_warn_ms = c.stall_warn.count();
    std::string stall_detector = c.stall_detector ? "on" : "off";
    std::string log_level(to_string(c.log_level));
    std::string dashboard = default_dashboard_directory().string();
    long idle_ms = c.limits.idle_timeout.count();
    long request_ms = c.limits.request_timeout.count();
    long write_ms = c.limits.write_timeout.count();
    std::string admin_token_file, write_token_file;
    std::size_t per_client = c.max_connections_per_client;
    std::size_t answer_budget_mb = c.answer_budget_bytes >> 20;
    std::size_t max_connections = 0;
    std::string db = c.store.file.string();
    long busy_ms = c.store.busy_timeout.count();
    long commit_spacing_us = c.store.commit_spacing.count();
    long max_pending = 0;
    std::string config_file, secret_file;
    std::string federation_client(to_string(c.federation.client));
    long federation_timeout_ms = c.federation.timeout.count();
    long federation_cache_s = c.federation.cache_for.count();
    po::options_description command_line(
        "ranking-server: a chess club's ranking service on ONE event loop.\n"
        "Each /rank answer carries a PBKDF2 token; in offload mode it is computed on a thread\n"
        "pool and the loop stays free, in inline mode on the loop itself and everyone waits.\n\n"
        "Usage: ranking-server [options]\n\nOn the command line only");
    // clang-format off
    command_line.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version (ranking-server X.Y.Z) and exit")
        ("config", po::value(&config_file),
         "read settings from this file too: one 'name = value' a line, the names of the "
         "options below without their dashes, '#' comments; an option on the command line "
         "wins over the file. SIGHUP reads it again (see docs/operations.md)")
        ("verify", "replay every game stored in --db from the starting club, compare each "
         "game and each player's final values with the store, print the first difference "
         "and exit 1 (2: the store cannot be read), or exit 0 when they all agree; serves "
         "nothing")
        ("allow-root", "run even as root (refused otherwise: the package runs the server as "
         "the 'ranking' user)");
    po::options_description desc("Options (on the command line or in the --config file)");
    desc.add_options()
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
        ("pool-priority", po::value(&pool_priority)->default_value(pool_priority),
         "the hash pool threads' scheduling, below the loop thread's so that the loop answers "
         "at once even when the pool keeps every core busy: idle (SCHED_IDLE: the pool gets "
         "only CPU time no normal thread wants; it can starve while other processes fill the "
         "cores), nice:N (N = 1..19 nice steps below the loop), or normal (the pool competes "
         "with the loop as an equal)")
        ("storage-priority", po::value(&storage_priority)->default_value(storage_priority),
         "the SQLite storage thread's scheduling, below the loop thread's for the same reason, "
         "in the same terms as --pool-priority. The price of idle: while other threads fill "
         "the cores, games and store reads wait (POST /games answers 503 past "
         "--max-pending-games; nothing acknowledged is lost), and just after a switch to "
         "inline mode the loop may wait for the storage thread's last transaction. PostgreSQL "
         "has no storage thread")
        ("hash-iterations", po::value(&c.hash_iterations)->default_value(c.hash_iterations),
         "PBKDF2 iterations per token")
        ("hash-ms", po::value<double>(),
         "calibrate the iterations at start so that one token costs about this many ms")
        ("players", po::value(&o.players)->default_value(o.players),
         "size of the generated club (includes alice, bob and charlie)")
        ("club", po::value(&club),
         "load the roster from a .csv (name,rating[,rd[,volatility]]) or .json file")
        ("db", po::value(&db)->default_value(db),
         "where players, ratings and games are kept: a SQLite file (the default), or "
         "PostgreSQL when it is a postgresql:// or postgres:// URI or a libpq key=value "
         "string (host=... dbname=...); created with the club (--players or --club) when "
         "missing or empty, loaded as it is otherwise")
        ("db-busy-timeout-ms", po::value(&busy_ms)->default_value(busy_ms),
         "how long a write waits for another process's lock on the database before the game "
         "is answered 503")
        ("commit-spacing-us", po::value(&commit_spacing_us)->default_value(commit_spacing_us),
         "SQLite, offload mode: a group commit starts at most once per this many microseconds, "
         "so that under load many games share one fsync (a game that finds the last commit "
         "older than this is committed at once; 0: commit as soon as the last commit ends)")
        ("max-pending-games",
         po::value(&c.store.max_pending_games)->default_value(c.store.max_pending_games),
         "offload mode: games waiting for the storage thread (or the PostgreSQL connection) "
         "past which POST /games answers 503 at once")
        ("stall-warn-ms", po::value(&stall_warn_ms)->default_value(stall_warn_ms),
         "log a warning naming the culprit when the data loop is blocked this long")
        ("stall-detector", po::value(&stall_detector)->default_value(stall_detector),
         "on: a watchdog thread warns of stalls past --stall-warn-ms, samples the loop "
         "thread's stack inside them and serves them at /stalls; off: none of it (to measure "
         "what it costs; the lag probe and the metrics run either way)")
        ("log-level", po::value(&log_level)->default_value(log_level),
         "the least important lines logged: error, warning (stalls, lost connections, failed "
         "writes), notice (start, stop, reloads, recoveries), info or debug")
        ("federation-url", po::value(&c.federation.url),
         "the federation's rating service, plain http: GET URL/NAME answers a player's "
         "rating as JSON (e.g. http://127.0.0.1:9100/ratings, what ranking-federation-standin "
         "serves); without it GET /players/{name}/federation answers 501")
        ("federation-client", po::value(&federation_client)->default_value(federation_client),
         "offload mode's client for that service: async (Beast's, on the loop, no thread) or "
         "thread (libcurl's blocking call on threads of its own, the result handed back to the "
         "loop); inline mode makes the libcurl call on the loop itself")
        ("federation-connections",
         po::value(&c.federation.connections)->default_value(c.federation.connections),
         "connections to the federation's service at most: the async client's keep-alive "
         "pool, the thread client's threads (one connection each)")
        ("federation-timeout-ms",
         po::value(&federation_timeout_ms)->default_value(federation_timeout_ms),
         "a look-up the service has not answered by then gets 504")
        ("federation-cache-s", po::value(&federation_cache_s)->default_value(federation_cache_s),
         "how long a rating fetched is answered again without asking the service (0: never)")
        ("federation-max-pending",
         po::value(&c.federation.max_pending)->default_value(c.federation.max_pending),
         "look-ups waiting for the federation's service past which more get 503 at once")
        ("rating-periods-per-day", po::value<double>(),
         "rating periods a day away from the board counts for (a player's RD grows with "
         "them before their next game; lichess: 0.21436, an RD of 60 becomes 110 in a year). "
         "Kept in the database when it is created or migrated; default: the database's, "
         "0.21436 for a new one; another value than the database's is refused")
        ("leaderboard-max-rd",
         po::value(&c.eligibility.max_rd)->default_value(c.eligibility.max_rd),
         "/leaderboard?eligible=true lists only players whose RD, grown to now, is at most "
         "this")
        ("leaderboard-active-days",
         po::value(&c.eligibility.active_days)->default_value(c.eligibility.active_days),
         "... and who played a rated game within this many days")
        ("dashboard-dir", po::value(&dashboard)->default_value(dashboard),
         "where the pages' files are: the admin plane's dashboard (/) and the data plane's "
         "club page (/club)")
        ("max-connections", po::value(&max_connections),
         "open data connections past which new ones get a 503 and are closed "
         "(default: the open-file limit, raised to its hard limit at start, less 256 kept "
         "for listeners, the admin plane and the store)")
        ("max-pending-hashes", po::value(&max_pending),
         "offload mode: hashes waiting for the pool past which /rank answers 503 at once "
         "(default: 16 per pool thread)")
        ("max-pages-in-flight",
         po::value(&c.max_pages_in_flight)->default_value(c.max_pages_in_flight),
         "pages of games (GET /games, GET /players/{name}/games; up to 10,000 games, megabytes "
         "each) being read or rendered at once, past which more pages are answered 503 at once")
        ("idle-timeout-ms", po::value(&idle_ms)->default_value(idle_ms),
         "close a keep-alive connection that sends nothing for this long (checked by one sweep "
         "per plane, every quarter of the shortest timeout, at most 1 s)")
        ("request-timeout-ms", po::value(&request_ms)->default_value(request_ms),
         "close a connection whose request takes longer than this to arrive (slowloris)")
        ("write-timeout-ms", po::value(&write_ms)->default_value(write_ms),
         "close a connection whose reader takes none of its answer for this long (the time "
         "between two writes that make progress, as nginx's send_timeout)")
        ("answer-budget-mb", po::value(&answer_budget_mb)->default_value(answer_budget_mb),
         "memory for answers waiting for slow readers, across all connections: past it, new "
         "pages of games get 503 with Retry-After until readers catch up")
        ("max-connections-per-client",
         po::value(&per_client)->default_value(per_client),
         "open data connections from one address past which new ones get a 503; by default "
         "loopback peers are exempt, given explicitly it applies to them too (0: no cap)")
        ("admin-max-connections",
         po::value(&c.admin_max_connections)->default_value(c.admin_max_connections),
         "the admin plane's own connection cap, kept apart from the data plane's so that the "
         "admin plane and its dashboard answer while the data plane is full")
        ("admin-host", po::value(&c.admin_hosts)->composing(),
         "a name the server is reached by besides localhost, 127.0.0.1, ::1 and its bound "
         "addresses (repeatable; give one when a plane is bound to 0.0.0.0 or ::): the admin "
         "plane answers 421 to another Host, and PUT /mode and POST /games sent by a page "
         "from another origin get 403 (DNS rebinding)")
        ("admin-token-file", po::value(&admin_token_file),
         "require 'Authorization: Bearer TOKEN' on the admin plane, TOKEN being this file's "
         "first line (default: RANKING_ADMIN_TOKEN; one of them is required when "
         "--admin-address is not loopback)")
        ("secret-file", po::value(&secret_file),
         "the token secret, the first line of this file (default: RANKING_SECRET, else "
         "random per start; never printed)")
        ("write-token-file", po::value(&write_token_file),
         "require 'Authorization: Bearer TOKEN' on POST /games, TOKEN being this file's first "
         "line (default: RANKING_WRITE_TOKEN; without one, anyone who reaches the data plane "
         "may post games)");
    // clang-format on
    const auto fail = [&](const std::string& message) {
        err << "ranking-server: " << message << "\n(see ranking-server --help)\n";
        return ParsedServerOptions{std::nullopt, 2};
    };
    po::options_description all;
    all.add(command_line).add(desc);
    po::variables_map vm;
    try {
        // No guessing of abbreviations: '--admin-token T' must be an unknown option, not
        // --admin-token-file (a removed flag would otherwise put its secret in an error line).
        const auto parsed = parse_command_line(argc, argv, all);
        // Not echoed: a stray word may be a secret that lost its flag.
        if (!po::collect_unrecognized(parsed.options, po::include_positional).empty())
            return fail("an argument that is no option: every setting is a --flag and its value");
        po::store(parsed, vm); // first: what the command line gives wins over the file
        record_given(parsed, o.given);
    } catch (const po::error& e) {
        return fail(e.what());
    }
    if (vm.count("config")) {
        config_file = vm["config"].as<std::string>(); // notify() sets it only below
        std::ifstream file(config_file);
        if (!file) return fail("cannot read the configuration file '" + config_file + "'");
        try {
            const auto parsed = po::parse_config_file(file, desc);
            po::store(parsed, vm);
            record_given(parsed, o.given);
        } catch (const po::error& e) {
            return fail(config_file + ": " + e.what());
        }
        o.config_file = config_file;
    }
    try {
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(e.what());
    }
    if (vm.count("version")) {
        out << version_line("ranking-server");
        return {std::nullopt, 0};
    }
    if (vm.count("help")) {
        out << all
            << "\nEnvironment:\n  RANKING_SECRET       the token secret (default: random per "
               "start; never printed)\n  RANKING_ADMIN_TOKEN  the admin token when "
               "--admin-token-file is not given (never printed)\n  RANKING_WRITE_TOKEN  the "
               "game submission token when --write-token-file is not given (never printed)\n";
        return {std::nullopt, 0};
    }
    const auto parsed_mode = parse_mode(mode);
    if (!parsed_mode) return fail("--mode must be 'offload' or 'inline', not '" + mode + "'");
    c.mode = vm.count("blocking") ? WorkPlacement::inline_on_loop : *parsed_mode;
    if (vm.count("blocking") && *parsed_mode == WorkPlacement::offload && !vm["mode"].defaulted())
        return fail("--blocking contradicts --mode offload");
    if (c.pool_threads < 1 || c.pool_threads > 256) return fail("--pool-threads must be 1..256");
    const auto parsed_priority = parse_background_priority(pool_priority);
    if (!parsed_priority)
        return fail("--pool-priority must be idle, normal or nice:N with N 1..19, not '" +
                    pool_priority + "'");
    c.pool_priority = *parsed_priority;
    const auto parsed_storage_priority = parse_background_priority(storage_priority);
    if (!parsed_storage_priority)
        return fail("--storage-priority must be idle, normal or nice:N with N 1..19, not '" +
                    storage_priority + "'");
    c.storage_priority = *parsed_storage_priority;
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
    if (stall_detector != "on" && stall_detector != "off")
        return fail("--stall-detector must be 'on' or 'off', not '" + stall_detector + "'");
    c.stall_detector = stall_detector == "on";
    const auto parsed_level = parse_log_level(log_level);
    if (!parsed_level)
        return fail("--log-level must be error, warning, notice, info or debug, not '" + log_level +
                    "'");
    c.log_level = *parsed_level;
    c.dashboard_directory = dashboard;
    if (idle_ms < 1 || idle_ms > 3'600'000) return fail("--idle-timeout-ms must be 1..3600000");
    if (request_ms < 1 || request_ms > 3'600'000)
        return fail("--request-timeout-ms must be 1..3600000");
    c.limits.idle_timeout = std::chrono::milliseconds(idle_ms);
    c.limits.request_timeout = std::chrono::milliseconds(request_ms);
    if (write_ms < 1 || write_ms > 3'600'000) return fail("--write-timeout-ms must be 1..3600000");
    c.limits.write_timeout = std::chrono::milliseconds(write_ms);
    if (answer_budget_mb < 1 || answer_budget_mb > 1'000'000)
        return fail("--answer-budget-mb must be 1..1000000");
    c.answer_budget_bytes = answer_budget_mb << 20;
    if (per_client > 1'000'000) return fail("--max-connections-per-client must be 0..1000000");
    c.max_connections_per_client = per_client;
    c.cap_loopback = !vm["max-connections-per-client"].defaulted();
    if (c.admin_max_connections < 1 || c.admin_max_connections > 128)
        return fail("--admin-max-connections must be 1..128 (it must fit in the descriptors "
                    "kept back from the data plane)");
    if (vm.count("max-connections")) {
        if (max_connections < 1 || max_connections > 1'000'000)
            return fail("--max-connections must be 1..1000000");
        c.limits.max_connections = max_connections;
    } else {
        c.limits.max_connections = 0; // derived from the open-file limit at start
    }
    if (vm.count("max-pending-hashes") && (max_pending < 1 || max_pending > 1'000'000))
        return fail("--max-pending-hashes must be 1..1000000");
    c.max_pending_hashes = vm.count("max-pending-hashes") ? max_pending : 16L * c.pool_threads;
    if (c.max_pages_in_flight < 1 || c.max_pages_in_flight > 10'000)
        return fail("--max-pages-in-flight must be 1..10000");
    if (!c.federation.url.empty() && !parse_service_url(c.federation.url))
        return fail("--federation-url must be http://HOST[:PORT][/PATH] (plain http, no query), "
                    "not '" +
                    c.federation.url + "'");
    if (federation_client != "async" && federation_client != "thread")
        return fail("--federation-client must be 'async' or 'thread', not '" + federation_client +
                    "'");
    c.federation.client = federation_client == "async" ? FederationClient::async_client
                                                       : FederationClient::thread_client;
    if (c.federation.connections < 1 || c.federation.connections > 256)
        return fail("--federation-connections must be 1..256");
    if (federation_timeout_ms < 1 || federation_timeout_ms > 600'000)
        return fail("--federation-timeout-ms must be 1..600000");
    c.federation.timeout = std::chrono::milliseconds(federation_timeout_ms);
    if (federation_cache_s < 0 || federation_cache_s > 86'400)
        return fail("--federation-cache-s must be 0..86400");
    c.federation.cache_for = std::chrono::seconds(federation_cache_s);
    if (c.federation.max_pending < 1 || c.federation.max_pending > 1'000'000)
        return fail("--federation-max-pending must be 1..1000000");
    for (const auto& [flag, address] :
         {std::pair{"--address", c.address}, std::pair{"--admin-address", c.admin_address}}) {
        error_code bad;
        net::ip::make_address(address, bad);
        if (bad) return fail(std::string(flag) + " '" + address + "' is not an IP address");
    }
    for (auto [file, variable, token] :
         {std::tuple{&admin_token_file, "RANKING_ADMIN_TOKEN", &c.admin_token},
          std::tuple{&write_token_file, "RANKING_WRITE_TOKEN", &c.write_token},
          std::tuple{&secret_file, "RANKING_SECRET", &c.secret}}) {
        if (!file->empty()) {
            auto read = read_token_file(*file);
            if (!read) return fail("cannot read a token from '" + *file + "'");
            *token = std::move(*read);
        } else if (const char* value = std::getenv(variable)) {
            *token = value;
        }
    }
    if (c.admin_token.empty() && !net::ip::make_address(c.admin_address).is_loopback())
        return fail("the admin plane on " + c.admin_address +
                    " is not loopback: give it --admin-token-file or RANKING_ADMIN_TOKEN");
    if (o.players < 3 || o.players > 1'000'000) return fail("--players must be 3..1000000");
    o.players_given = !vm["players"].defaulted();
    if (db.empty()) return fail("--db must name a file or a PostgreSQL database");
    if (is_pg_conninfo(db)) {
        c.postgres.emplace();
        c.postgres->conninfo = db;
    } else {
        c.store.file = db;
    }
    if (busy_ms < 0 || busy_ms > 600'000) return fail("--db-busy-timeout-ms must be 0..600000");
    c.store.busy_timeout = std::chrono::milliseconds(busy_ms);
    if (commit_spacing_us < 0 || commit_spacing_us > 1'000'000)
        return fail("--commit-spacing-us must be 0..1000000");
    c.store.commit_spacing = std::chrono::microseconds(commit_spacing_us);
    if (c.store.max_pending_games < 1 || c.store.max_pending_games > 1'000'000)
        return fail("--max-pending-games must be 1..1000000");
    if (c.postgres) c.postgres->max_pending_games = c.store.max_pending_games;
    if (!club.empty()) {
        if (!vm["players"].defaulted()) return fail("give --players or --club, not both");
        o.club = club;
    }
    if (vm.count("rating-periods-per-day")) {
        const double periods = vm["rating-periods-per-day"].as<double>();
        if (!(periods > 0 && periods <= 100))
            return fail("--rating-periods-per-day must be more than 0 and at most 100");
        c.store.periods_per_day = periods;
        if (c.postgres) c.postgres->periods_per_day = periods;
    }
    if (!(c.eligibility.max_rd > 0 && c.eligibility.max_rd <= 350))
        return fail("--leaderboard-max-rd must be more than 0 and at most 350");
    if (c.eligibility.active_days < 1 || c.eligibility.active_days > 36'500)
        return fail("--leaderboard-active-days must be 1..36500");
    o.allow_root = vm.count("allow-root") > 0;
    o.verify = vm.count("verify") > 0;
    return {o, 0};
}

std::optional<std::string> root_refusal(const ServerOptions& options, uid_t effective_uid) {
    if (effective_uid != 0 || options.allow_root) return std::nullopt;
    return "ranking-server: will not run as root: a server that parses untrusted input should "
           "not hold root's privileges (the package runs it as the 'ranking' user); pass "
           "--allow-root to run as root anyway";
}

} // namespace ranking
