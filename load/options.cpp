#include "options.hpp"

#include "command_line.hpp"
#include "version.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace ranking::load {
namespace {

namespace po = boost::program_options;

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// "50/s" or "50".
std::optional<double> parse_rate(std::string_view text) {
    if (text.ends_with("/s")) text.remove_suffix(2);
    return parse_number(text);
}

// "20s=inline".
std::optional<Toggle> parse_toggle(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    const auto at = parse_duration(text.substr(0, equals));
    const auto mode = parse_mode(text.substr(equals + 1));
    if (!at || !mode) return std::nullopt;
    return Toggle{*at, *mode};
}

} // namespace

std::optional<milliseconds> parse_duration(std::string_view text) {
    double scale = 1000;
    if (text.ends_with("ms")) {
        scale = 1;
        text.remove_suffix(2);
    } else if (text.ends_with("s")) {
        text.remove_suffix(1);
    } else if (text.ends_with("m")) {
        scale = 60'000;
        text.remove_suffix(1);
    }
    const auto value = parse_number(text);
    if (!value || *value < 0 || *value * scale > 1e10) return std::nullopt;
    return milliseconds(std::llround(*value * scale));
}

ParsedLoadOptions parse_load_options(int argc, const char* const argv[], std::ostream& out,
                                     std::ostream& err) {
    LoadOptions o;
    std::string rate;
    std::string duration = "10s";
    std::string warmup = "1s";
    std::string timeout = "10s";
    std::string arrivals = "uniform";
    std::string mix = "players=1";
    std::string canary = "50/s";
    std::vector<std::string> toggles;
    std::string json;
    std::string csv;
    std::string markdown;
    po::options_description desc(
        "ranking-load: an open-loop HTTP load generator for ranking-server.\n"
        "Every request is due at a planned time, whatever the server does; latency runs from\n"
        "that due time to the answer, so a stalled server shows as the stall it is\n"
        "(no coordinated omission). Loopback use; it stops by itself after the run.\n\n"
        "Usage: ranking-load --rate R [options]\n\nOptions",
        100, 50);
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version (ranking-load X.Y.Z) and exit")
        ("url", po::value(&o.url)->default_value(o.url), "the data plane to load")
        ("admin-url", po::value(&o.admin_url)->default_value(o.admin_url),
         "the admin plane: GET /mode labels the phases, PUT /mode applies --toggle-at, "
         "GET /metrics gives the server's view each second")
        ("admin-token", po::value(&o.admin_token),
         "the admin plane's token, sent as 'Authorization: Bearer TOKEN' (default: the "
         "environment variable RANKING_ADMIN_TOKEN, which keeps it out of ps; never printed). "
         "A server's write token comes from RANKING_WRITE_TOKEN and goes with every data "
         "request")
        ("rate", po::value(&rate),
         "REQUIRED. Offered load in requests per second (e.g. 300), spread over the connections."
         " 'max' runs closed-loop instead (each connection sends again as soon as it is answered)"
         ": a throughput ceiling for benchmarks only, its latencies hide queueing")
        ("duration", po::value(&duration)->default_value(duration),
         "measured time after the warmup (units ms, s, m; a bare number is seconds)")
        ("warmup", po::value(&warmup)->default_value(warmup),
         "load sent first and left out of the results")
        ("connections", po::value(&o.connections)->default_value(o.connections),
         "keep-alive connections, opened before the run (ramped 256 at a time); the open-file "
         "limit is raised to its hard limit and checked first")
        ("threads", po::value(&o.threads)->default_value(o.threads),
         "event-loop threads sharing the connections and the rate (the canary, toggles and "
         "progress run on one more)")
        ("arrivals", po::value(&arrivals)->default_value(arrivals),
         "due-time plan: uniform (evenly spaced) or poisson (random exponential gaps, --seed)")
        ("seed", po::value(&o.seed)->default_value(o.seed),
         "seed of the Poisson gaps and of the endpoint and player draws")
        ("mix", po::value(&mix)->default_value(mix),
         "weights over rank, players, leaderboard, healthz, games, export and federation, e.g. "
         "rank=1,players=19; players are drawn from the server's club. games POSTs a new game "
         "to /games (two distinct players, a random result, an id unique to the run: "
         "load-RUN-SEED-THREAD-N); 201 counts as success, a 503 (store busy) as an error under "
         "its status. export GETs /games?limit=10000, the export's first page. federation GETs "
         "/players/NAME/federation, the player's rating the server asks a federation's rating "
         "service for")
        ("canary", po::value(&canary)->default_value(canary),
         "a separate connection sending GET /healthz at this fixed rate (e.g. 50/s), reported "
         "apart and timed from its due times too; 0 disables it")
        ("toggle-at", po::value(&toggles),
         "TIME=MODE: at TIME after the start of the run (warmup included) PUT MODE (inline or "
         "offload) to the admin plane's /mode; repeatable. Results are split in phases at the "
         "toggles, each labelled by its mode")
        ("timeout", po::value(&timeout)->default_value(timeout),
         "per request, from send to answer; an unanswered request counts as an error and as "
         "unanswered (its latency unknown, at least this), never vanishes")
        ("player-names", po::value(&o.player_names)->default_value(o.player_names),
         "at most this many names fetched from /leaderboard pages at start (only when the mix has "
         "rank, players, leaderboard, games or federation)")
        ("json", po::value(&json),
         "write the summary, phases, per-mode comparison and per-second timeline here")
        ("csv", po::value(&csv), "write the per-second timeline (one row per second and series)")
        ("markdown", po::value(&markdown), "write the tables and the verdict as Markdown")
        ("no-progress", "no progress line on stderr each second")
        ("no-server-metrics",
         "do not scrape the admin plane's GET /metrics each second (the server's loop lag p99 "
         "and max, busy ratio, hash queue, in flight and stalls in the timeline stay empty)");
    // clang-format on
    const auto fail = [&](const std::string& message) {
        err << "ranking-load: " << message << "\n(see ranking-load --help)\n";
        return ParsedLoadOptions{std::nullopt, 2};
    };
    po::variables_map vm;
    if (auto error = parse_flags(argc, argv, desc, vm)) return fail(*error);
    if (vm.count("version")) {
        out << version_line("ranking-load");
        return {std::nullopt, 0};
    }
    if (vm.count("help")) {
        out << desc
            << "\nOutput: a table per phase and endpoint (latency p50 p90 p99 p99.9 p99.99 max, "
               "from due time),\nthe per-mode comparison with the collapse ratio (inline canary "
               "p99 / offload canary p99),\nand a verdict. Requests unanswered within --timeout "
               "are counted apart (\"N of M unanswered\nwithin 10 s\"); a percentile among them "
               "shows as 'unanswered', never as a latency, and no ratio\nis built on it. The "
               "verdict: the run is NOT VALID when the tool "
               "itself sent late (its send lag p99 > 1 ms)\nor sent less than 97% of the offered "
               "rate while connections were free.\n"
               "The --json and --csv timelines add, each second, the server's own view from its "
               "GET /metrics:\nloop lag p99 and max, loop busy ratio, hash queue depth, requests "
               "in flight, stalls, mode\n(empty for a second whose scrape failed).\n"
               "\nExit status: 0 run done (even if NOT VALID), 1 server unreachable or no answer "
               "at all, 2 bad options.\n";
        return {std::nullopt, 0};
    }

    const auto server = parse_http_url(o.url);
    if (!server) return fail("--url must look like http://host:port, not '" + o.url + "'");
    o.server = *server;
    const auto admin = parse_http_url(o.admin_url);
    if (!admin)
        return fail("--admin-url must look like http://host:port, not '" + o.admin_url + "'");
    o.admin = *admin;
    if (o.admin_token.empty())
        if (const char* token = std::getenv("RANKING_ADMIN_TOKEN")) o.admin_token = token;
    if (const char* token = std::getenv("RANKING_WRITE_TOKEN")) o.write_token = token;

    if (rate.empty()) return fail("--rate is required (requests per second, or 'max')");
    if (rate != "max") {
        const auto value = parse_rate(rate);
        if (!value || *value <= 0 || *value > 1e6)
            return fail("--rate must be a number of requests per second in (0, 1000000] or 'max'");
        o.rate = *value;
    }
    const auto parsed_duration = parse_duration(duration);
    if (!parsed_duration || parsed_duration->count() < 100 ||
        *parsed_duration > std::chrono::hours(24))
        return fail("--duration must be between 100ms and 24h, e.g. 30s");
    o.duration = *parsed_duration;
    const auto parsed_warmup = parse_duration(warmup);
    if (!parsed_warmup || *parsed_warmup > std::chrono::hours(1))
        return fail("--warmup must be between 0s and 1h");
    o.warmup = *parsed_warmup;
    const auto parsed_timeout = parse_duration(timeout);
    if (!parsed_timeout || parsed_timeout->count() < 1 ||
        *parsed_timeout > std::chrono::minutes(10))
        return fail("--timeout must be between 1ms and 10m");
    o.timeout = *parsed_timeout;
    if (o.connections < 1 || o.connections > 60'000) return fail("--connections must be 1..60000");
    if (o.threads < 1 || o.threads > 64 || o.threads > o.connections)
        return fail("--threads must be 1..64 and at most --connections");
    if (arrivals == "uniform")
        o.arrivals = Arrivals::uniform;
    else if (arrivals == "poisson")
        o.arrivals = Arrivals::poisson;
    else
        return fail("--arrivals must be 'uniform' or 'poisson', not '" + arrivals + "'");
    const auto parsed_mix = parse_mix(mix);
    if (!parsed_mix)
        return fail("--mix must be NAME=WEIGHT,... over rank, players, leaderboard, healthz, "
                    "games, export, federation with a positive total, not '" +
                    mix + "'");
    o.mix = *parsed_mix;
    const auto parsed_canary = parse_rate(canary);
    if (!parsed_canary || *parsed_canary < 0 || *parsed_canary > 10'000)
        return fail("--canary must be a rate in [0, 10000] per second, e.g. 50/s, or 0");
    o.canary_rate = *parsed_canary;
    for (const auto& text : toggles) {
        const auto toggle = parse_toggle(text);
        if (!toggle)
            return fail("--toggle-at must be TIME=inline or TIME=offload, not '" + text + "'");
        if (toggle->at <= o.warmup || toggle->at >= o.warmup + o.duration)
            return fail("--toggle-at " + text + " lies outside the measured span (after the " +
                        "warmup, before warmup + duration)");
        o.toggles.push_back(*toggle);
    }
    std::sort(o.toggles.begin(), o.toggles.end(),
              [](const Toggle& a, const Toggle& b) { return a.at < b.at; });
    for (std::size_t i = 1; i < o.toggles.size(); ++i)
        if (o.toggles[i].at == o.toggles[i - 1].at) return fail("two --toggle-at at the same time");
    if (o.player_names < 1 || o.player_names > 100'000)
        return fail("--player-names must be 1..100000");
    if (!json.empty()) o.json = json;
    if (!csv.empty()) o.csv = csv;
    if (!markdown.empty()) o.markdown = markdown;
    o.progress = !vm.count("no-progress");
    o.server_metrics = !vm.count("no-server-metrics");
    return {o, 0};
}

} // namespace ranking::load
