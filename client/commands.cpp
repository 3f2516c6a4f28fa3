#include "commands.hpp"

#include "fetch.hpp"
#include "fresh_game_id.hpp"
#include "game_report.hpp"
#include "json_shapes.hpp"
#include "rating_chart.hpp"
#include "submit_game.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

namespace ranking {
namespace {

net::awaitable<void> fetch_into(FetchResult& out, HttpEndpoint endpoint, FetchPlan plan) {
    auto fetching = fetch(std::move(endpoint), std::move(plan));
    out = co_await std::move(fetching);
}

// One request, run to its end on an io_context of its own.
FetchResult fetch_one(const HttpEndpoint& endpoint, FetchPlan plan) {
    net::io_context loop;
    FetchResult result;
    net::co_spawn(loop, fetch_into(result, endpoint, std::move(plan)), net::detached);
    loop.run();
    return result;
}

enum class Lookup { rank, player, federation };

// The federation's rating as the server relays it: {"player", "federation", "rating", "title",
// "cached", "fetched_by", ...}; the fields missing from an answer are left out of the line.
void print_federation(const std::string& name, const nlohmann::json& body, double took) {
    const auto text = [&](const char* key) {
        const auto found = body.find(key);
        return found != body.end() && found->is_string() ? found->get<std::string>() : "";
    };
    std::string line = text("player").empty() ? name : text("player");
    line.resize(std::max<std::size_t>(line.size(), 12), ' ');
    line += " federation " + (text("federation").empty() ? "?" : text("federation"));
    char rating[64];
    std::snprintf(rating, sizeof rating, "  rating %g", body.at("rating").get<double>());
    line += rating;
    line += "  title " + (text("title").empty() ? "none" : text("title"));
    if (body.value("cached", false)) line += "  cached";
    if (!text("fetched_by").empty()) line += "  fetched by " + text("fetched_by");
    std::printf("%s  (answered in %.1f ms)\n", line.c_str(), took);
}

// One readable line per answer; false when it is not a 200.
bool print_answer(const std::string& name, Lookup lookup, const FetchResult& r) {
    const double took = ms_between(r.sent, r.answered);
    if (r.response.status != 200) {
        std::printf("%-12s HTTP %d: %s\n", name.c_str(), r.response.status,
                    error_text(r.response).c_str());
        return false;
    }
    const auto body = nlohmann::json::parse(r.response.body);
    if (lookup == Lookup::federation) {
        print_federation(name, body, took);
        return true;
    }
    if (lookup == Lookup::player) {
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

} // namespace

int run_lookups(const ClientOptions& options) {
    const auto lookup = options.command == "rank"         ? Lookup::rank
                        : options.command == "federation" ? Lookup::federation
                                                          : Lookup::player;
    net::io_context loop;
    std::vector<FetchResult> results(options.words.size());
    // Like asyncio.gather: every request in flight at once, one thread.
    for (std::size_t i = 0; i < options.words.size(); ++i) {
        const std::string target = lookup == Lookup::rank ? "/rank/" + options.words[i]
                                   : lookup == Lookup::federation
                                       ? "/players/" + options.words[i] + "/federation"
                                       : "/players/" + options.words[i];
        net::co_spawn(
            loop,
            fetch_into(results[i], options.data, FetchPlan{"GET", target, "", options.timeout}),
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
        all_ok = print_answer(options.words[i], lookup, results[i]) && all_ok;
    }
    return all_ok ? 0 : 1;
}

int run_history(const ClientOptions& options) {
    const auto& name = options.words.front();
    const auto result = fetch_one(
        options.data, {"GET", "/players/" + name + "/history?limit=1000", "", options.timeout});
    if (result.error) {
        std::fprintf(stderr, "ranking-client: %s\n",
                     describe_failure(options.data, result).c_str());
        return 1;
    }
    if (result.response.status != 200) {
        std::printf("%-12s HTTP %d: %s\n", name.c_str(), result.response.status,
                    error_text(result.response).c_str());
        return 1;
    }
    const auto body = nlohmann::json::parse(result.response.body);
    const auto& points = body.at("points"); // newest first
    if (points.empty()) {
        std::printf("%s has no rated game yet\n", body.at("player").get<std::string>().c_str());
        return 0;
    }
    std::vector<double> ratings;
    for (auto point = points.rbegin(); point != points.rend(); ++point)
        ratings.push_back(point->at("rating").get<double>());
    const auto [low, high] = std::minmax_element(ratings.begin(), ratings.end());
    std::printf("%s: %zu games, rating %.1f -> %.1f (lowest %.1f, highest %.1f)\n",
                body.at("player").get<std::string>().c_str(), ratings.size(), ratings.front(),
                ratings.back(), *low, *high);
    std::printf("  %s  (oldest to newest)\n", sparkline(ratings, 60).c_str());
    std::printf("  %8s  %-24s %9s %7s\n", "seq", "game", "rating", "rd");
    for (std::size_t i = 0; i < std::min<std::size_t>(points.size(), 10); ++i) {
        const auto& p = points[i];
        std::printf("  %8lld  %-24s %9.1f %7.1f\n", p.at("seq").get<long long>(),
                    p.at("game").get<std::string>().c_str(), p.at("rating").get<double>(),
                    p.at("rd").get<double>());
    }
    return 0;
}

int run_vs(const ClientOptions& options) {
    const auto& player = options.words[0];
    const auto& opponent = options.words[1];
    const auto result =
        fetch_one(options.data, {"GET", "/players/" + player + "/vs/" + opponent + "?limit=10", "",
                                 options.timeout});
    if (result.error) {
        std::fprintf(stderr, "ranking-client: %s\n",
                     describe_failure(options.data, result).c_str());
        return 1;
    }
    if (result.response.status != 200) {
        std::printf("%s vs %s: HTTP %d: %s\n", player.c_str(), opponent.c_str(),
                    result.response.status, error_text(result.response).c_str());
        return 1;
    }
    const auto body = nlohmann::json::parse(result.response.body);
    std::printf("%s against %s: %lld wins, %lld draws, %lld losses\n",
                body.at("player").get<std::string>().c_str(),
                body.at("opponent").get<std::string>().c_str(), body.at("wins").get<long long>(),
                body.at("draws").get<long long>(), body.at("losses").get<long long>());
    const auto& games = body.at("games");
    if (!games.empty()) {
        std::printf("  last games, newest first:");
        for (const auto& id : games)
            std::printf(" %s", id.get<std::string>().c_str());
        std::printf("\n");
    }
    return 0;
}

int run_mode(const ClientOptions& options) {
    FetchPlan plan{"GET", "/mode", "", options.timeout};
    if (!options.words.empty()) plan = {"PUT", "/mode", options.words[0], options.timeout};
    plan.authorization = bearer_from_environment("RANKING_ADMIN_TOKEN");
    const auto result = fetch_one(options.admin, std::move(plan));
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

int run_game(const ClientOptions& options, const GameRetryPolicy& policy) {
    auto game = options.game;
    if (game.id.empty()) {
        game.id = fresh_game_id("cli");
        std::printf("game id %s (retry safely with --id %s)\n", game.id.c_str(), game.id.c_str());
        std::fflush(stdout); // before any retry line on stderr
    }
    net::io_context loop;
    GameSubmitOutcome outcome;
    // A 503 or a lost answer may mean the game was stored: asked again with the same id, the
    // server answers 200 with the stored game, or 201 if it was not; never a duplicate.
    const auto authorization = bearer_from_environment("RANKING_WRITE_TOKEN");
    net::co_spawn(loop,
                  submit_game(options.data, game, options.timeout, authorization, policy,
                              [](const std::string& line) {
                                  std::fprintf(stderr, "ranking-client: %s\n", line.c_str());
                              }),
                  [&outcome](std::exception_ptr failure, GameSubmitOutcome done) {
                      if (failure) std::rethrow_exception(failure);
                      outcome = std::move(done);
                  });
    loop.run();
    const auto& result = outcome.last;
    if (!outcome.recorded()) {
        if (result.error)
            std::fprintf(stderr, "ranking-client: %s\n",
                         describe_failure(options.data, result).c_str());
        else
            std::fprintf(stderr, "ranking-client: HTTP %d: %s\n", result.response.status,
                         error_text(result.response).c_str());
        if (outcome.unknown())
            std::fprintf(stderr,
                         "ranking-client: gave up after %d attempt%s; game %s may have been "
                         "recorded: run again with --id %s (200 if it was, 201 if not)\n",
                         outcome.attempts, outcome.attempts == 1 ? "" : "s", game.id.c_str(),
                         game.id.c_str());
        return 1;
    }
    std::printf("%s", render_game(parse_game(nlohmann::json::parse(result.response.body)),
                                  result.response.status == 201)
                          .c_str());
    return 0;
}

} // namespace ranking
