// ranking-load's plan without sockets: due times, the mix, the phases and the command line.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "analysis.hpp"
#include "data_api.hpp"
#include "mix.hpp"
#include "options.hpp"
#include "run_plan.hpp"
#include "schedule.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <sstream>
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
        const auto parsed = ranking::parse_game_submission(request.body);
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
