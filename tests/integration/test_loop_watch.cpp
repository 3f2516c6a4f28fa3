// The server watching its own loop: stalls named by route, lag observed, metrics well-formed.
#include "test_server.hpp"
#include "token.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

double metric_value(const std::string& text, const std::string& series) {
    const std::regex line(
        "(^|\n)" + std::regex_replace(series, std::regex(R"([{}\[\]().+*?^$|\\])"), R"(\$&)") +
        " ([0-9.eE+-]+)");
    std::smatch match;
    REQUIRE_MESSAGE(std::regex_search(text, match, line), "no series " << series);
    return std::stod(match[2]);
}

// One /rank with a 200 ms hash, then give the watchdog (10 ms polls) time to see the loop back.
std::vector<StallRecord> stalls_after_slow_rank(TestServer& server) {
    REQUIRE(request(server.data(), "GET", "/rank/alice").response.status == 200);
    for (int i = 0; i < 50 && server.server().stalls().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return server.server().stalls();
}

// Closed loop on one keep-alive connection: GET /players/bob again as soon as it is answered.
net::awaitable<void> keep_asking(HttpEndpoint endpoint, Clock::time_point until, long& answered) {
    ClientConnection connection(co_await net::this_coro::executor);
    auto connecting = connection.connect(endpoint.host, endpoint.port, std::chrono::seconds(10));
    if (co_await std::move(connecting)) co_return;
    while (Clock::now() < until) {
        HttpResponse response;
        auto exchange =
            connection.request("GET", "/players/bob", {}, std::chrono::seconds(10), response);
        if (co_await std::move(exchange)) co_return;
        ++answered;
    }
}

struct BusyWindow {
    double busy_ratio = 0;      // loop thread CPU seconds per wall second
    double handler_seconds = 0; // of which inside our /players scopes
};

// The loop's busy counter and its /players breakdown across `during()`, from /metrics.
template <typename During> BusyWindow busy_across(TestServer& server, During during) {
    const auto scrape = [&] { return request(server.admin(), "GET", "/metrics").response.body; };
    const auto before = scrape();
    const auto start = Clock::now();
    during();
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const auto after = scrape();
    const auto delta = [&](const std::string& series) {
        return metric_value(after, series) - metric_value(before, series);
    };
    return {delta("ranking_event_loop_busy_seconds_total") / wall,
            delta(R"(ranking_event_loop_handler_seconds_total{route="/players"})")};
}

} // namespace

// Busy is the loop thread's own CPU time, so Beast's and Asio's work count; asserted as an
// ordering and generous bounds, never a timing.
TEST_CASE("busy ratio: an idle loop reads low, a loop kept busy with cheap requests reads high") {
    TestServer server;
    const auto idle =
        busy_across(server, [] { std::this_thread::sleep_for(std::chrono::milliseconds(500)); });
    long answered = 0;
    const auto busy = busy_across(server, [&] {
        net::io_context client;
        const auto until = Clock::now() + std::chrono::seconds(1);
        for (int i = 0; i < 16; ++i)
            net::co_spawn(client, keep_asking(server.data(), until, answered), net::detached);
        client.run();
    });
    MESSAGE("busy ratio idle " << idle.busy_ratio << ", under " << answered << " cheap requests "
                               << busy.busy_ratio << " (our /players scopes "
                               << busy.handler_seconds << " s of it)");
    REQUIRE(answered > 100);
    CHECK(idle.busy_ratio < 0.2);
    CHECK(busy.busy_ratio > idle.busy_ratio + 0.1);
    CHECK(busy.busy_ratio <= 1.05); // one thread's CPU time cannot outrun the wall clock
    CHECK(idle.handler_seconds == 0);
    CHECK(busy.handler_seconds > 0); // the per-route breakdown of our own scopes is still there
}

TEST_CASE("inline: a 200 ms hash is one stall named /rank, and the lag histogram saw it") {
    TestServer server(WorkPlacement::inline_on_loop,
                      calibrate_iterations(std::chrono::milliseconds(200)));
    const auto stalls = stalls_after_slow_rank(server);
    REQUIRE(stalls.size() == 1);
    CHECK(stalls[0].route == Route::rank);
    CHECK(stalls[0].duration_ms >= 100);

    const auto metrics = request(server.admin(), "GET", "/metrics").response.body;
    CHECK(metric_value(metrics, R"(ranking_event_loop_stalls_total{kind="cpu",route="/rank"})") +
              metric_value(metrics,
                           R"(ranking_event_loop_stalls_total{kind="blocked",route="/rank"})") ==
          1);
    const double up_to_100ms =
        metric_value(metrics, R"(ranking_event_loop_lag_seconds_bucket{le="0.1"})");
    const double all = metric_value(metrics, "ranking_event_loop_lag_seconds_count");
    CHECK(all > up_to_100ms); // at least one lag observation of 0.1 s or more
    CHECK(metric_value(metrics, R"(ranking_hash_mode{mode="inline"})") == 1);
}

// GET /stalls and /stalls.folded: the contract of docs/operations.md and docs/openapi.yaml. The
// frames are asserted where a signal reaches the hashing thread at once (not under TSan).
TEST_CASE("inline: /stalls names the /rank request and its PBKDF2 frames, /stalls.folded folds "
          "them under /rank") {
    TestServer server(WorkPlacement::inline_on_loop,
                      calibrate_iterations(std::chrono::milliseconds(200)));
    REQUIRE(stalls_after_slow_rank(server).size() == 1);
    const auto answer = request(server.admin(), "GET", "/stalls").response;
    REQUIRE(answer.status == 200);
    const auto stalls = nlohmann::json::parse(answer.body);
    REQUIRE(stalls.is_array());
    REQUIRE(stalls.size() == 1);
    const auto& stall = stalls[0];
    for (const char* field : {"started_unix_ms", "duration_ms", "cpu_ms", "runnable_ms", "kind",
                              "syscall", "route", "request_id", "ongoing", "samples"})
        CHECK_MESSAGE(stall.contains(field), "no " << field << " in " << stall.dump());
    CHECK(stall["route"] == "/rank");
    CHECK(stall["request_id"].is_number_unsigned());
    CHECK(stall["ongoing"] == false);
    CHECK((stall["kind"] == "cpu" || stall["kind"] == "blocked"));
#if !defined(__SANITIZE_THREAD__)
    CHECK(stall["kind"] == "cpu");
    REQUIRE_FALSE(stall["samples"].empty());
    const std::regex pbkdf2("pbkdf2", std::regex::icase);
    bool named = false;
    for (const auto& sample : stall["samples"])
        for (const auto& frame : sample["frames"])
            named = named || std::regex_search(frame.get<std::string>(), pbkdf2);
    CHECK_MESSAGE(named, "no PBKDF2 frame in " << stall["samples"].dump());

    const auto folded = request(server.admin(), "GET", "/stalls.folded").response;
    REQUIRE(folded.status == 200);
    // "route;outermost;...;innermost weight", the route as the root frame.
    const std::regex weighted(R"(^/rank;.*PKCS5_PBKDF2_HMAC.* [0-9]+$)");
    std::istringstream lines(folded.body);
    bool folded_under_rank = false;
    for (std::string text; std::getline(lines, text);)
        folded_under_rank = folded_under_rank || std::regex_match(text, weighted);
    CHECK_MESSAGE(folded_under_rank, folded.body);
#endif
}

// Whom a stall made wait: 50 lookups sent while an inline hash holds the loop are read after it,
// and the stall counts them (the /rank that held the loop is the culprit, not one it delayed).
TEST_CASE("inline: a stall while 50 lookups wait counts them as delayed") {
    TestServer server(WorkPlacement::inline_on_loop,
                      calibrate_iterations(std::chrono::milliseconds(400)));
    std::thread culprit([&] { request(server.data(), "GET", "/rank/alice"); });
    while (!server.server().stall_in_progress()) // the loop is held now
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::vector<std::thread> lookups;
    for (int i = 0; i < 50; ++i)
        lookups.emplace_back(
            [&] { CHECK(request(server.data(), "GET", "/players/bob").response.status == 200); });
    for (auto& lookup : lookups)
        lookup.join();
    culprit.join();
    for (int i = 0; i < 100 && server.server().stalls().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto stalls = server.server().stalls();
    REQUIRE(stalls.size() == 1);
    MESSAGE("delayed " << stalls[0].delayed_requests << " requests, " << stalls[0].delayed_ms_total
                       << " ms in all, over a " << stalls[0].duration_ms << " ms stall");
    CHECK(stalls[0].delayed_requests >= 50);
    CHECK(stalls[0].delayed_requests <= 51);
    CHECK(stalls[0].delayed_ms_total > 0);
    CHECK(stalls[0].delayed_ms_total <= 51 * stalls[0].duration_ms);
}

TEST_CASE("inline with --stall-detector off: the same hash holds the loop, and nothing watches "
          "it") {
    auto config = test_config(WorkPlacement::inline_on_loop,
                              calibrate_iterations(std::chrono::milliseconds(200)));
    config.stall_detector = false;
    TestServer server(std::move(config));
    CHECK(stalls_after_slow_rank(server).empty());
    CHECK_FALSE(server.server().stall_in_progress());
    const auto answer = request(server.admin(), "GET", "/stalls").response;
    CHECK(answer.status == 200);
    CHECK(answer.body == "[]");
}

TEST_CASE("offload: the same request leaves no stall") {
    TestServer server(WorkPlacement::offload, calibrate_iterations(std::chrono::milliseconds(200)));
    CHECK(stalls_after_slow_rank(server).empty());
    const auto metrics = request(server.admin(), "GET", "/metrics").response.body;
    for (const char* kind : {"cpu", "blocked"})
        CHECK(metric_value(metrics, std::string(R"(ranking_event_loop_stalls_total{kind=")") +
                                        kind + R"(",route="/rank"})") == 0);
    CHECK(metric_value(metrics, "ranking_hash_run_seconds_count") == 1);
    CHECK(metric_value(metrics,
                       R"(ranking_request_duration_seconds_count{mode="offload",route="/rank"})") ==
          1);
}

TEST_CASE("the admin plane answers while the data loop is frozen") {
    TestServer server(WorkPlacement::inline_on_loop,
                      calibrate_iterations(std::chrono::milliseconds(400)));
    Clock::time_point rank_answered;
    std::thread frozen([&] {
        request(server.data(), "GET", "/rank/alice");
        rank_answered = Clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the loop is inside the hash now
    const auto mode = request(server.admin(), "GET", "/mode");
    const auto mode_answered = Clock::now();
    frozen.join();
    CHECK(mode.response.status == 200);
    CHECK(mode_answered < rank_answered); // the admin plane did not wait for the loop
}

TEST_CASE("open data connections are counted, admin connections are not") {
    TestServer server;
    net::io_context loop;
    ClientConnection held(loop.get_executor());
    const auto data = server.data();
    error_code connected = net::error::not_connected;
    net::co_spawn(loop, held.connect(data.host, data.port, std::chrono::seconds(5)),
                  [&](std::exception_ptr, error_code ec) { connected = ec; });
    loop.run();
    REQUIRE_FALSE(connected);
    // The server registers the connection once its loop accepts it.
    double open = 0;
    for (int i = 0; i < 50 && open != 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        open = metric_value(request(server.admin(), "GET", "/metrics").response.body,
                            "ranking_open_connections");
    }
    CHECK(open == 1);
    held.close();
}

namespace {

// The sample times ("t") in a stretch of /events, by event: each event is a JSON array.
std::vector<std::vector<std::int64_t>> sample_times(const std::string& stream) {
    std::vector<std::vector<std::int64_t>> events;
    for (auto at = stream.find("data: "); at != std::string::npos;
         at = stream.find("data: ", at + 1)) {
        const auto end = stream.find("\n\n", at);
        if (end == std::string::npos) break;
        std::vector<std::int64_t> times;
        for (const auto& sample : nlohmann::json::parse(stream.substr(at + 6, end - at - 6)))
            times.push_back(sample.at("t").get<std::int64_t>());
        events.push_back(std::move(times));
    }
    return events;
}

} // namespace

TEST_CASE("a dashboard opened later is sent at once what an earlier one was sent live") {
    TestServer server;
    const auto events = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const auto first = sample_times(
        raw_exchange(server.admin(), events, false, std::chrono::milliseconds(1500)).bytes);
    REQUIRE(first.size() >= 2);
    std::vector<std::int64_t> seen;
    for (const auto& event : first)
        seen.insert(seen.end(), event.begin(), event.end());
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end()); // nothing sent twice

    const auto later = sample_times(
        raw_exchange(server.admin(), events, false, std::chrono::milliseconds(300)).bytes);
    REQUIRE_FALSE(later.empty());
    const auto& history = later.front();
    for (const auto t : seen)
        CHECK(std::find(history.begin(), history.end(), t) != history.end());
}
