#include "commands.hpp"

#include "fetch.hpp"
#include "json_shapes.hpp"
#include "story_report.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <exception>

namespace ranking {
namespace {

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

net::awaitable<void> fetch_into(FetchResult& out, HttpEndpoint endpoint, FetchPlan plan) {
    auto fetching = fetch(std::move(endpoint), std::move(plan));
    out = co_await std::move(fetching);
}

std::string error_text(const HttpResponse& response) {
    try {
        return nlohmann::json::parse(response.body).at("error").get<std::string>();
    } catch (const std::exception&) {
        return response.body;
    }
}

// One readable line per answer; false when it is not a 200.
bool print_answer(const std::string& name, bool with_token, const FetchResult& r) {
    const double took = ms_between(r.sent, r.answered);
    if (r.response.status != 200) {
        std::printf("%-12s HTTP %d: %s\n", name.c_str(), r.response.status,
                    error_text(r.response).c_str());
        return false;
    }
    const auto body = nlohmann::json::parse(r.response.body);
    if (!with_token) {
        const auto& s = body;
        std::printf("%-12s rank %d of %d  rating %d  percentile %.2f  (answered in %.1f ms)\n",
                    s.at("player").get<std::string>().c_str(), s.at("rank").get<int>(),
                    s.at("players").get<int>(), s.at("rating").get<int>(),
                    s.at("percentile").get<double>(), took);
        return true;
    }
    const auto a = parse_rank_answer(body);
    std::printf("%-12s rank %d of %d  rating %d  percentile %.2f  token %.16s...  hash %.1f ms "
                "(%s)  (answered in %.1f ms)\n",
                a.standing.player.c_str(), a.standing.rank, a.standing.players, a.standing.rating,
                a.standing.percentile, a.token.c_str(), a.hash_ms,
                std::string(to_string(a.mode)).c_str(), took);
    return true;
}

// The story's legs, each on a connection opened before the clock starts.
net::awaitable<void> story_leg(ClientConnection& connection, FetchPlan plan,
                               std::chrono::milliseconds delay, FetchResult& out) {
    if (delay.count() > 0) {
        net::steady_timer wait(co_await net::this_coro::executor, delay);
        co_await wait.async_wait(use_nothrow);
    }
    auto fetching = fetch_on(connection, std::move(plan));
    out = co_await std::move(fetching);
}

net::awaitable<error_code> connect_all(std::vector<std::unique_ptr<ClientConnection>>& connections,
                                       HttpEndpoint endpoint, std::chrono::milliseconds timeout) {
    for (auto& connection : connections) {
        auto connecting = connection->connect(endpoint.host, endpoint.port, timeout);
        if (auto ec = co_await std::move(connecting)) co_return ec;
    }
    co_return error_code{};
}

} // namespace

int run_lookups(const ClientOptions& options) {
    const bool with_token = options.command == "rank";
    net::io_context loop;
    std::vector<FetchResult> results(options.words.size());
    // Like asyncio.gather: every request in flight at once, one thread.
    for (std::size_t i = 0; i < options.words.size(); ++i) {
        const std::string prefix = with_token ? "/rank/" : "/players/";
        net::co_spawn(loop,
                      fetch_into(results[i], options.data,
                                 FetchPlan{"GET", prefix + options.words[i], "", options.timeout}),
                      net::detached);
    }
    loop.run();
    bool all_ok = true;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i].error) {
            std::fprintf(stderr, "ranking-client: %s: %s\n", options.words[i].c_str(),
                         describe_failure(options.data, results[i]).c_str());
            all_ok = false;
            continue;
        }
        all_ok = print_answer(options.words[i], with_token, results[i]) && all_ok;
    }
    return all_ok ? 0 : 1;
}

int run_mode(const ClientOptions& options) {
    net::io_context loop;
    FetchResult result;
    FetchPlan plan{"GET", "/mode", "", options.timeout};
    if (!options.words.empty()) plan = {"PUT", "/mode", options.words[0], options.timeout};
    net::co_spawn(loop, fetch_into(result, options.admin, plan), net::detached);
    loop.run();
    if (result.error) {
        std::fprintf(stderr, "ranking-client: %s\n",
                     describe_failure(options.admin, result).c_str());
        return 1;
    }
    if (result.response.status != 200) {
        std::fprintf(stderr, "ranking-client: HTTP %d: %s\n", result.response.status,
                     error_text(result.response).c_str());
        return 1;
    }
    const auto body = nlohmann::json::parse(result.response.body);
    if (body.contains("previous"))
        std::printf("mode: %s (was %s)\n", body["mode"].get<std::string>().c_str(),
                    body["previous"].get<std::string>().c_str());
    else
        std::printf("mode: %s\n", body["mode"].get<std::string>().c_str());
    return 0;
}

int run_story(const ClientOptions& options) {
    const std::vector<FetchPlan> plans{{"GET", "/rank/alice", "", options.timeout},
                                       {"GET", "/players/bob", "", options.timeout},
                                       {"GET", "/players/charlie", "", options.timeout}};
    net::io_context loop;
    std::vector<std::unique_ptr<ClientConnection>> connections;
    for (std::size_t i = 0; i < plans.size(); ++i)
        connections.push_back(std::make_unique<ClientConnection>(loop.get_executor()));
    error_code connect_error;
    net::co_spawn(loop, connect_all(connections, options.data, options.timeout),
                  [&](std::exception_ptr, error_code ec) { connect_error = ec; });
    loop.run();
    if (connect_error) {
        std::fprintf(stderr, "ranking-client: cannot reach %s (connect: %s)\n",
                     options.data_url.c_str(), connect_error.message().c_str());
        return 1;
    }

    // Alice first; bob and charlie a moment later, so that alice's hash has started.
    std::vector<FetchResult> results(plans.size());
    const auto start = Clock::now();
    for (std::size_t i = 0; i < plans.size(); ++i)
        net::co_spawn(loop,
                      story_leg(*connections[i], plans[i],
                                i == 0 ? std::chrono::milliseconds(0) : options.story_delay,
                                results[i]),
                      net::detached);
    loop.restart();
    loop.run();

    StoryRun run;
    const std::vector<std::string> players{"alice", "bob", "charlie"};
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (results[i].error) {
            std::fprintf(stderr, "ranking-client: %s: %s\n", players[i].c_str(),
                         describe_failure(options.data, results[i]).c_str());
            return 1;
        }
        StoryLeg leg{players[i], plans[i].target, ms_between(start, results[i].sent),
                     ms_between(start, results[i].answered), results[i].response.status};
        if (leg.status != 200) {
            std::fprintf(stderr, "ranking-client: %s: HTTP %d: %s\n", players[i].c_str(),
                         leg.status, error_text(results[i].response).c_str());
            return 1;
        }
        if (i == 0) {
            const auto answer = parse_rank_answer(nlohmann::json::parse(results[i].response.body));
            run.hash_ms = answer.hash_ms;
            run.mode = to_string(answer.mode);
            run.alice = leg;
        } else {
            run.cheap.push_back(leg);
        }
    }
    std::printf("story against %s: alice asks for her token; %lld ms later bob and charlie look "
                "themselves up\n%s%s\n",
                options.data_url.c_str(), static_cast<long long>(options.story_delay.count()),
                render_timeline(run).c_str(), story_verdict(run).c_str());
    return 0;
}

} // namespace ranking
