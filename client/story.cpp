// The story of alice, bob and charlie: one episode per blocking call (the hash, the database).
#include "commands.hpp"
#include "data_api.hpp"
#include "fetch.hpp"
#include "fresh_game_id.hpp"
#include "json_shapes.hpp"
#include "story_report.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdio>
#include <functional>
#include <memory>

namespace ranking {
namespace {

// What alice's answer says her request cost the server, and where the server ran it.
struct CostlyWork {
    std::string what; // "32.0 ms hash", "export of 1200 games (689 kB)"
    std::string mode; // offload or inline
};

// An episode: what alice does first, off the clock, on her own connection; the costly request
// she sends when the clock starts; and how to read its cost from the answers. Bob's and
// charlie's lookups are the same in every episode.
struct StoryEpisode {
    std::string intro; // what alice does, for the headline
    std::vector<FetchPlan> preparation;
    FetchPlan costly;
    std::function<CostlyWork(const HttpResponse& costly, const std::vector<FetchResult>& prepared)>
        read_cost;
};

StoryEpisode hash_episode(const ClientOptions& options) {
    return {"alice asks for her token",
            {},
            {"GET", "/rank/alice", "", options.timeout},
            [](const HttpResponse& costly, const std::vector<FetchResult>&) {
                const auto answer = parse_rank_answer(nlohmann::json::parse(costly.body));
                char what[64];
                std::snprintf(what, sizeof what, "%.1f ms hash", answer.hash_ms);
                return CostlyWork{what, std::string(to_string(answer.mode))};
            }};
}

// The database: in inline mode the store reads the whole page on the loop thread; offloaded,
// on the storage thread while the loop serves the others.
StoryEpisode io_episode(const ClientOptions& options) {
    const std::array<GameSubmission, 3> games{
        {{"", "alice", "charlie", GameResult::white_wins, std::nullopt},
         {"", "bob", "alice", GameResult::draw, std::nullopt},
         {"", "charlie", "bob", GameResult::black_wins, std::nullopt}}};
    // Fresh ids, so that the story can be told again against the same database.
    const auto story_id = fresh_game_id("story");
    std::vector<FetchPlan> preparation;
    for (std::size_t i = 0; i < games.size(); ++i) {
        auto game = games[i];
        game.id = story_id + "-" + std::to_string(i + 1);
        preparation.push_back({"POST", "/games", game_submission_json(game).dump(), options.timeout,
                               "application/json", bearer_from_environment("RANKING_WRITE_TOKEN")});
    }
    // An export's answer does not say where the store ran; the health answer says the mode.
    preparation.push_back({"GET", "/healthz", "", options.timeout});
    const auto limit = std::to_string(max_export_page);
    return {"alice reports " + std::to_string(games.size()) +
                " games, then asks for the export of every game (up to " + limit + ")",
            std::move(preparation),
            {"GET", "/games?limit=" + limit, "", options.timeout},
            [](const HttpResponse& costly, const std::vector<FetchResult>& prepared) {
                const auto exported = nlohmann::json::parse(costly.body).at("games").size();
                const auto health = nlohmann::json::parse(prepared.back().response.body);
                char what[96];
                std::snprintf(what, sizeof what, "export of %zu games (%.0f kB)", exported,
                              static_cast<double>(costly.body.size()) / 1e3);
                return CostlyWork{what, health.at("mode").get<std::string>()};
            }};
}

// Alice's preparation, one request after the other on her connection, before the clock starts.
net::awaitable<void> prepare(ClientConnection& connection, std::vector<FetchPlan> plans,
                             std::vector<FetchResult>& out) {
    for (auto& plan : plans) {
        auto fetching = fetch_on(connection, std::move(plan));
        out.push_back(co_await std::move(fetching));
        if (out.back().error) co_return;
    }
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

// An answer that came, and came with 2xx; otherwise says why on stderr.
bool answered_ok(const ClientOptions& options, const std::string& who, const FetchResult& r) {
    if (r.error) {
        std::fprintf(stderr, "ranking-client: %s: %s\n", who.c_str(),
                     describe_failure(options.data, r).c_str());
        return false;
    }
    if (r.response.status < 200 || r.response.status > 299) {
        std::fprintf(stderr, "ranking-client: %s: HTTP %d: %s\n", who.c_str(), r.response.status,
                     error_text(r.response).c_str());
        return false;
    }
    return true;
}

int tell(const ClientOptions& options, const StoryEpisode& episode) {
    const std::vector<FetchPlan> plans{episode.costly,
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

    std::vector<FetchResult> prepared;
    net::co_spawn(loop, prepare(*connections[0], episode.preparation, prepared), net::detached);
    loop.restart();
    loop.run();
    for (const auto& result : prepared)
        if (!answered_ok(options, "alice", result)) return 1;

    // Alice first; bob and charlie a moment later, so that alice's work has started.
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
        if (!answered_ok(options, players[i], results[i])) return 1;
        const auto& r = results[i];
        StoryLeg leg{players[i],
                     plans[i].target,
                     ms_between(start, r.sent),
                     ms_between(start, r.response.head_received),
                     ms_between(start, r.answered),
                     r.response.status};
        if (i == 0) {
            const auto cost = episode.read_cost(results[i].response, prepared);
            run.alice_work = cost.what;
            run.mode = cost.mode;
            run.alice = leg;
        } else {
            run.cheap.push_back(leg);
        }
    }
    std::printf("story against %s: %s; %lld ms later bob and charlie look themselves up\n%s%s\n",
                options.data_url.c_str(), episode.intro.c_str(),
                static_cast<long long>(options.story_delay.count()), render_timeline(run).c_str(),
                story_verdict(run).c_str());
    return 0;
}

} // namespace

int run_story(const ClientOptions& options) {
    const bool database = !options.words.empty() && options.words[0] == "io";
    return tell(options, database ? io_episode(options) : hash_episode(options));
}

} // namespace ranking
