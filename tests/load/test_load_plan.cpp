// ranking-load's plan without sockets: due times, the mix, the phases and the command line; and
// how the report counts and shows the requests never answered within the timeout.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "unix_time.hpp"
#include "analysis.hpp"
#include "data_api.hpp"
#include "mix.hpp"
#include "options.hpp"
#include "report_json.hpp"
#include "report_text.hpp"
#include "run_plan.hpp"
#include "schedule.hpp"
#include "stats.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

using namespace ranking::load;
using namespace std::chrono_literals;

TEST_CASE("uniform arrivals are evenly spaced from the first due time, without drift") {
    ArrivalPlan plan(300, Arrivals::uniform, 1, 5ms);
    CHECK(plan.next() == 5ms);
    nanoseconds last{};
    for (int i = 1; i < 300'000; ++i)
        last = plan.next();
    CHECK(last == 5ms + nanoseconds(999'996'666'667)); // 299,999 / 300 s, rounded once
}

TEST_CASE("poisson arrivals keep the mean rate and repeat with the seed") {
    ArrivalPlan a(1000, Arrivals::poisson, 42), b(1000, Arrivals::poisson, 42);
    ArrivalPlan other(1000, Arrivals::poisson, 43);
    nanoseconds last{};
    bool differs = false;
    for (int i = 0; i < 100'000; ++i) {
        last = a.next();
        CHECK(b.next() == last);
        differs = differs || other.next() != last;
    }
    CHECK(differs);
    CHECK(std::chrono::duration<double>(last).count() == doctest::Approx(100.0).epsilon(0.02));
}

TEST_CASE("the mix parses weights and draws endpoints in proportion") {
    CHECK_FALSE(parse_mix(""));
    CHECK_FALSE(parse_mix("rank=0"));
    CHECK_FALSE(parse_mix("rank=1,rank=2"));
    CHECK_FALSE(parse_mix("ranks=1"));
    CHECK_FALSE(parse_mix("rank=-1"));
    const auto mix = parse_mix("rank=1,players=19");
    REQUIRE(mix);
    CHECK(to_string(*mix) == "rank=1,players=19");

    RequestPicker picker(*mix, {"alice", "bob"}, 5000, 7, "load-test-");
    int rank = 0;
    for (int i = 0; i < 20'000; ++i) {
        const auto request = picker.next();
        if (request.series == Series::rank) {
            ++rank;
            CHECK((request.target == "/rank/alice" || request.target == "/rank/bob"));
        } else {
            CHECK(request.target.starts_with("/players/"));
        }
    }
    CHECK(rank == doctest::Approx(1'000).epsilon(0.1));
}

TEST_CASE("games are POSTs of valid, distinct-player games with ids unique to the picker") {
    const auto mix = parse_mix("players=1,games=3");
    REQUIRE(mix);
    CHECK(to_string(*mix) == "players=1,games=3");
    CHECK(parse_mix("games=1"));
    CHECK_FALSE(parse_mix("games=1,games=1"));

    RequestPicker picker(*mix, {"alice", "bob", "charlie"}, 5000, 7, "load-1764000000000-1-0-");
    std::set<std::string> ids;
    std::set<std::string> results;
    int games = 0;
    for (int i = 0; i < 4'000; ++i) {
        const auto request = picker.next();
        if (request.series != Series::games) {
            CHECK(request.method == "GET");
            CHECK(request.body.empty());
            continue;
        }
        ++games;
        CHECK(request.method == "POST");
        CHECK(request.target == "/games");
        const auto parsed = ranking::parse_game_submission(request.body, ranking::unix_ms_now());
        REQUIRE(std::holds_alternative<ranking::GameSubmission>(parsed));
        const auto& game = std::get<ranking::GameSubmission>(parsed);
        CHECK(game.white != game.black);
        CHECK(game.id.starts_with("load-1764000000000-1-0-"));
        CHECK(ids.insert(game.id).second);
        results.insert(std::string(ranking::to_string(game.result)));
    }
    CHECK(games == doctest::Approx(3'000).epsilon(0.1));
    CHECK(results.size() == 3);
}

TEST_CASE("export asks for the export's largest first page") {
    const auto mix = parse_mix("export=1");
    REQUIRE(mix);
    CHECK(to_string(*mix) == "export=1");
    RequestPicker picker(*mix, {"alice"}, 1, 7, "load-");
    const auto request = picker.next();
    CHECK(request.series == Series::exports);
    CHECK(series_name(request.series) == "export");
    CHECK(request.method == "GET");
    CHECK(request.target == "/games?limit=10000");
}

TEST_CASE("federation asks for a club player's federation rating, in its own series") {
    const auto mix = parse_mix("players=3,federation=1");
    REQUIRE(mix);
    CHECK(to_string(*mix) == "players=3,federation=1");
    CHECK(parse_mix("federation=1"));
    CHECK_FALSE(parse_mix("federation=1,federation=2"));
    CHECK_FALSE(parse_mix("federations=1"));
    CHECK(needs_club(*parse_mix("federation=1")));

    RequestPicker picker(*mix, {"alice", "bob"}, 5000, 7, "load-");
    int federation = 0;
    for (int i = 0; i < 4'000; ++i) {
        const auto request = picker.next();
        CHECK(request.method == "GET");
        if (request.series != Series::federation) {
            CHECK(request.series == Series::players);
            continue;
        }
        ++federation;
        CHECK(series_name(request.series) == "federation");
        CHECK((request.target == "/players/alice/federation" ||
               request.target == "/players/bob/federation"));
    }
    CHECK(federation == doctest::Approx(1'000).epsilon(0.1));
    // The canary keeps its own series, after every endpoint.
    CHECK(series_name(Series::canary) == "canary");
    CHECK(index(Series::canary) == endpoint_count);
}

TEST_CASE("only a mix drawing from the club needs the club") {
    CHECK(needs_club(*parse_mix("players=1")));
    CHECK(needs_club(*parse_mix("rank=1,healthz=9")));
    CHECK(needs_club(*parse_mix("leaderboard=1")));
    CHECK(needs_club(*parse_mix("games=1")));
    CHECK_FALSE(needs_club(*parse_mix("healthz=1")));
    CHECK_FALSE(needs_club(*parse_mix("healthz=1,export=1")));
}

TEST_CASE("games need two names to pair") {
    const auto mix = parse_mix("games=1");
    REQUIRE(mix);
    CHECK_THROWS_AS(RequestPicker(*mix, {"alice"}, 1, 7, "p-"), std::invalid_argument);
    CHECK_NOTHROW(RequestPicker(*parse_mix("players=1"), {"alice"}, 1, 7, "p-"));
}

TEST_CASE("phases split the measured span at the toggles") {
    const RunPlan plan(3'000ms, 30'000ms, 10'000ms,
                       {{13'000ms, ranking::WorkPlacement::inline_on_loop},
                        {23'000ms, ranking::WorkPlacement::offload}},
                       "offload");
    REQUIRE(plan.phases().size() == 3);
    CHECK(plan.phases()[1].mode == "inline");
    CHECK_FALSE(plan.phase_of(2'999ms));
    CHECK(plan.phase_of(3'000ms) == 0u);
    CHECK(plan.phase_of(12'999ms) == 0u);
    CHECK(plan.phase_of(13'000ms) == 1u);
    CHECK(plan.phase_of(32'999ms) == 2u);
    CHECK_FALSE(plan.phase_of(33'000ms));
    CHECK(plan.drain_deadline() == 43'000ms);
}

TEST_CASE("per mode, games count what was made durable, phases of one mode merged") {
    const RunPlan plan(0ms, 30'000ms, 10'000ms,
                       {{10'000ms, ranking::WorkPlacement::inline_on_loop},
                        {20'000ms, ranking::WorkPlacement::offload}},
                       "offload");
    Results results;
    results.phases.resize(3);
    const std::array<std::uint64_t, 3> durable{900, 40, 1100};
    for (std::size_t p = 0; p < 3; ++p) {
        auto& games = results.phases[p].series[index(Series::games)];
        games.planned = 1000 + 100 * p;
        games.ok = durable[p];
    }
    const auto modes = summarize_by_mode(results, plan);
    REQUIRE(modes.size() == 2);
    CHECK(modes[0].mode == "offload");
    CHECK(modes[0].seconds == doctest::Approx(20));
    CHECK(modes[0].games.ok == 2000);
    CHECK(modes[0].games.planned == 2200);
    CHECK(modes[1].mode == "inline");
    CHECK(modes[1].games.ok == 40);
}

TEST_CASE("durations take ms, s, m or bare seconds") {
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("1.5s") == 1'500ms);
    CHECK(parse_duration("2m") == 120'000ms);
    CHECK(parse_duration("10") == 10'000ms);
    CHECK_FALSE(parse_duration("-1s"));
    CHECK_FALSE(parse_duration("soon"));
}

namespace {

ParsedLoadOptions parse(std::vector<const char*> args) {
    args.insert(args.begin(), "ranking-load");
    std::ostringstream out, err;
    return parse_load_options(static_cast<int>(args.size()), args.data(), out, err);
}

} // namespace

TEST_CASE("bad flags exit with 2, good ones parse") {
    CHECK(parse({}).exit_code == 2); // --rate is required
    CHECK(parse({"--rate", "abc"}).exit_code == 2);
    CHECK(parse({"--rate", "100", "--arrivals", "bursty"}).exit_code == 2);
    CHECK(parse({"--rate", "100", "--toggle-at", "20s=sideways"}).exit_code == 2);
    CHECK(parse({"--rate", "100", "--duration", "10s", "--toggle-at", "30s=inline"}).exit_code ==
          2);
    CHECK(parse({"--rate", "100", "--url", "https://example.org"}).exit_code == 2);
    CHECK(parse({"--rate", "100", "--unknown"}).exit_code == 2);
    CHECK(parse({"--help"}).exit_code == 0);
    CHECK_FALSE(parse({"--help"}).options);

    const auto parsed =
        parse({"--rate", "300", "--duration", "30s", "--warmup", "3s", "--toggle-at", "23s=offload",
               "--toggle-at", "13s=inline", "--canary", "20/s", "--arrivals", "poisson"});
    REQUIRE(parsed.options);
    const auto& o = *parsed.options;
    CHECK(o.rate == 300.0);
    CHECK(o.canary_rate == 20.0);
    CHECK(o.arrivals == Arrivals::poisson);
    REQUIRE(o.toggles.size() == 2);
    CHECK(o.toggles[0].at == 13'000ms); // sorted
    CHECK(o.server.port == "8080");
    CHECK_FALSE(parse({"--rate", "max"}).options->rate);
}

TEST_CASE("the admin token comes from --admin-token or RANKING_ADMIN_TOKEN, the write token from "
          "RANKING_WRITE_TOKEN, never echoed") {
    ::unsetenv("RANKING_ADMIN_TOKEN");
    CHECK(parse({"--rate", "1"}).options->admin_token.empty());
    ::setenv("RANKING_ADMIN_TOKEN", "from-env", 1);
    CHECK(parse({"--rate", "1"}).options->admin_token == "from-env");
    CHECK(parse({"--rate", "1", "--admin-token", "flag"}).options->admin_token == "flag");
    ::unsetenv("RANKING_ADMIN_TOKEN");
    ::unsetenv("RANKING_WRITE_TOKEN");
    CHECK(parse({"--rate", "1"}).options->write_token.empty());
    ::setenv("RANKING_WRITE_TOKEN", "w-env", 1); // a server's write token, for the games mix
    CHECK(parse({"--rate", "1"}).options->write_token == "w-env");
    ::unsetenv("RANKING_WRITE_TOKEN");

    std::vector<const char*> args{"ranking-load", "--help", "--admin-token", "s3cret"};
    std::ostringstream out, err;
    parse_load_options(static_cast<int>(args.size()), args.data(), out, err);
    CHECK(out.str().find("s3cret") == std::string::npos);
    CHECK(out.str().find("--no-server-metrics") != std::string::npos);
}

TEST_CASE("the server's /metrics are scraped unless --no-server-metrics") {
    CHECK(parse({"--rate", "1"}).options->server_metrics);
    CHECK_FALSE(parse({"--rate", "1", "--no-server-metrics"}).options->server_metrics);
}

namespace {

// `times` outcomes of one series due at `at` into the run, done `latency` later; timeouts and
// the unsent unanswered, as LoadStream records them.
void record(Recorder& recorder, Clock::time_point start, Series series, nanoseconds at,
            nanoseconds latency, std::optional<ErrorClass> error, std::size_t times = 1,
            bool unanswered = false) {
    for (std::size_t i = 0; i < times; ++i) {
        Outcome outcome;
        outcome.series = series;
        outcome.due = start + at;
        if (error != ErrorClass::unsent && error != ErrorClass::connect) outcome.sent = outcome.due;
        outcome.done = outcome.due + latency;
        outcome.error = error;
        outcome.status = error == ErrorClass::http_status ? 503 : 200;
        outcome.unanswered =
            unanswered || error == ErrorClass::timeout || error == ErrorClass::unsent;
        recorder.record(outcome);
    }
}

// 20 s at a 1 s timeout, offload then inline from 10 s. Offload: 100 canaries answered in 1 ms.
// Inline: of 100 canaries, 38 answered in 300 ms, a 503 in 5 ms and a refused connect in 1 ms
// (both known latencies), 45 timed out (recorded at 1.5 s), 5 whose connect timed out (1.2 s)
// and 10 never sent (2 s); of 10 lookups, one timed out.
struct CollapsedRun {
    RunPlan plan{
        0ms, 20'000ms, 1'000ms, {{10'000ms, ranking::WorkPlacement::inline_on_loop}}, "offload"};
    Results results;
    CollapsedRun() {
        Recorder recorder(plan);
        const auto start = Clock::now();
        recorder.begin(start);
        record(recorder, start, Series::canary, 1s, 1ms, std::nullopt, 100);
        record(recorder, start, Series::canary, 11s, 300ms, std::nullopt, 38);
        record(recorder, start, Series::canary, 11s, 5ms, ErrorClass::http_status);
        record(recorder, start, Series::canary, 11s, 1ms, ErrorClass::connect);
        record(recorder, start, Series::canary, 11s, 1'500ms, ErrorClass::timeout, 45);
        record(recorder, start, Series::canary, 11s, 1'200ms, ErrorClass::connect, 5, true);
        record(recorder, start, Series::canary, 11s, 2'000ms, ErrorClass::unsent, 10);
        record(recorder, start, Series::players, 11s, 2ms, std::nullopt, 9);
        record(recorder, start, Series::players, 11s, 1'200ms, ErrorClass::timeout);
        results = recorder.results();
    }
};

} // namespace

TEST_CASE("requests or connects timed out and the unsent are unanswered, not refused or errors") {
    const CollapsedRun run;
    const auto& canary = run.results.phases[1].series[index(Series::canary)];
    CHECK(canary.latency.count() == 100);
    CHECK(canary.unanswered == 60);
    CHECK(canary.known.count() == 40);
    CHECK(canary.errors[static_cast<std::size_t>(ErrorClass::connect)] == 6); // 1 refused
    CHECK(run.results.phases[0].series[index(Series::canary)].unanswered == 0);
    CHECK(run.results.phases[1].series[index(Series::players)].unanswered == 1);
}

TEST_CASE("a latency percentile among the unanswered is none, not the time the tool gave up") {
    const CollapsedRun run;
    const auto& canary = run.results.phases[1].series[index(Series::canary)];
    // Ranked: 1 ms, 5 ms, 38 x 300 ms, then the 60 unanswered above them all.
    CHECK(canary.latency_percentile(1) == 1'000u);
    CHECK(canary.latency_percentile(2) ==
          canary.known.bucket_upper_bound(canary.known.bucket_of(5'000)));
    CHECK(canary.latency_percentile(40) == 300'000u);
    CHECK_FALSE(canary.latency_percentile(40.5));
    CHECK_FALSE(canary.latency_percentile(99));
    CHECK_FALSE(canary.latency_percentile(100)); // the max too
    // Without the unanswered it reads as the histogram of all does.
    const auto& offload = run.results.phases[0].series[index(Series::canary)];
    CHECK(offload.latency_percentile(99) == offload.latency.percentile(99));
    CHECK(offload.latency_percentile(100) == offload.latency.max());
    CHECK(SeriesStats{}.latency_percentile(99) == 0u);
}

TEST_CASE("no collapse ratio on unanswered canaries, but a few beyond the p99 leave it a latency") {
    const CollapsedRun run;
    const auto modes = summarize_by_mode(run.results, run.plan);
    REQUIRE(modes.size() == 2);
    CHECK(modes[1].canary.unanswered == 60);
    CHECK_FALSE(collapse_ratio(modes));

    // 5 of 1,000 unanswered: the p99 (the 990th) is still an answer, 100 ms against 1 ms.
    std::vector<ModeSummary> few(2);
    few[0].mode = "offload";
    few[0].canary.latency.record(1'000, 1'000);
    few[0].canary.known.record(1'000, 1'000);
    few[1].mode = "inline";
    few[1].canary.latency.record(100'000, 995);
    few[1].canary.known.record(100'000, 995);
    few[1].canary.latency.record(10'000'000, 5);
    few[1].canary.errors[static_cast<std::size_t>(ErrorClass::timeout)] = 5;
    few[1].canary.unanswered = 5;
    REQUIRE(collapse_ratio(few));
    CHECK(*collapse_ratio(few) == doctest::Approx(100));
}

TEST_CASE("the report says how many went unanswered within the timeout, and no number for them") {
    const CollapsedRun run;
    const auto modes = summarize_by_mode(run.results, run.plan);
    LoadOptions options;
    options.rate = 10;
    options.timeout = 1'000ms;
    const Verdict verdict;
    const std::vector<ToggleMark> toggles;
    const ServerTimeline server;
    const RunReport report{.options = options,
                           .plan = run.plan,
                           .results = run.results,
                           .modes = modes,
                           .verdict = verdict,
                           .toggles = toggles,
                           .server = server};
    const auto text = render_terminal(report);
    INFO(text);
    const auto has = [&](const std::string& part) { return text.find(part) != std::string::npos; };
    CHECK(has("  canary: 60 of 100 unanswered within 1 s, their latency unknown (a percentile "
              "among them shows as unanswered)\n"));
    CHECK(has("  players: 1 of 10 unanswered within 1 s"));
    CHECK(has("  inline: 60 of 100 canaries unanswered within 1 s\n"));
    CHECK(has("  inline: 1 of 10 data requests unanswered within 1 s\n"));
    CHECK_FALSE(has("offload: 0 of"));
    CHECK(has("collapse ratio: none (a p99 among unanswered canaries is no latency): the inline "
              "canary p99 falls among the 60 of 100 inline canaries unanswered within 1 s; the "
              "offload canary p99 is 1.00 ms\n"));
    CHECK_FALSE(has("collapse ratio (inline"));
    CHECK_FALSE(has("1500.")); // the time the tool gave up on them is no latency
    // The inline phase's canary row: p50 to max all among the unanswered, each one word, so that
    // the scripts still find the p99 4th from the end. Not "> 1 s": answers that waited for the
    // connection can take longer than the timeout, which runs from the send.
    std::istringstream lines(text);
    std::vector<std::string> row;
    bool in_inline = false;
    for (std::string line; std::getline(lines, line) && row.empty();) {
        in_inline = in_inline || line.rfind("Phase 2", 0) == 0;
        std::istringstream words(line);
        std::vector<std::string> all{std::istream_iterator<std::string>(words), {}};
        if (in_inline && !all.empty() && all[0] == "canary") row = all;
    }
    REQUIRE(row.size() > 6);
    CHECK(std::all_of(row.end() - 6, row.end(),
                      [](const std::string& cell) { return cell == "unanswered"; }));
    CHECK(row[1] == "100");

    const auto json = report_json(report);
    const auto& by_mode = json["by_mode"];
    CHECK(json["collapse_ratio"].is_null());
    CHECK(by_mode[1]["canary_ms"]["unanswered"] == 60);
    CHECK(by_mode[1]["canary_ms"]["count"] == 100);
    CHECK(by_mode[1]["canary_ms"]["p99"].is_null());
    CHECK(by_mode[1]["canary_ms"]["max"].is_null());
    CHECK(by_mode[1]["canary_ms"]["p50"].is_null());
    CHECK(by_mode[1]["canary_ms"]["min"] == 1.0);
    CHECK(by_mode[0]["canary_ms"]["p99"] == 1.0);
    CHECK(json["phases"][1]["series"]["canary"]["unanswered"] == 60);
    CHECK(json["phases"][1]["series"]["canary"]["latency_ms"]["p99"].is_null());
}
