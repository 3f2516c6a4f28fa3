#include "data_routes.hpp"

#include "data_api.hpp"
#include "game_routes.hpp"
#include "hand_off.hpp"
#include "json_shapes.hpp"
#include "loop_scope.hpp"
#include "request_guards.hpp"
#include "unix_time.hpp"

#include <chrono>

namespace ranking {
namespace {

struct TimedToken {
    std::string token;
    double ms = 0;
};

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// The job handed to run_placed(): copies of its inputs, so it may run on any thread. Its LoopScope
// is live only when it runs on the loop (inline mode): that is when it blocks everyone.
struct SignJob {
    std::string secret;
    TokenFields fields;
    LoopWatch* watch;
    ServerMetrics* metrics;
    LoadLevels* levels;
    std::uint64_t request_id;
    WorkPlacement mode;
    Clock::time_point posted;
    TimedToken operator()() const {
        const auto start = Clock::now();
        if (mode == WorkPlacement::offload) --levels->hash_queue;
        LoopScope scope(*watch, Route::rank, request_id, mode, fields.iterations);
        auto token = compute_token(secret, fields);
        const auto end = Clock::now();
        metrics->observe_hash(seconds_between(posted, start), seconds_between(start, end));
        return {std::move(token), seconds_between(start, end) * 1000.0};
    }
};

net::awaitable<Reply> answer_rank(Standing standing, std::uint64_t request_id, WorkPlacement mode,
                                  DataContext& context) {
    const auto fields = token_fields(standing, unix_ms_now(), context.hash_iterations);
    if (mode == WorkPlacement::offload) ++context.levels.hash_queue;
    auto hashing = run_placed(mode, context.cpu_pool,
                              SignJob{context.secret, fields, &context.watch, &context.metrics,
                                      &context.levels, request_id, mode, Clock::now()});
    const auto signed_token = co_await std::move(hashing);
    LoopScope scope(context.watch, Route::rank, request_id, mode);
    const RankAnswer answer{standing,           fields.issued_at_ms, fields.iterations,
                            signed_token.token, signed_token.ms,     mode};
    co_return json_reply(200, rank_answer_json(answer));
}

// A player as a lookup shows them: RD grown to now by the time since their latest game.
std::optional<Standing> standing_now(const std::string& player, const DataContext& context) {
    auto standing = context.ranking.standing(player);
    if (standing)
        standing->glicko = glicko_at(standing->glicko, standing->rated_at_ms, unix_ms_now(),
                                     context.rating_time.periods_per_day);
    return standing;
}

Reply eligible_page(const LeaderboardRequest& page, DataContext& context) {
    const auto& eligible = context.eligible_board.entries(
        context.ranking, context.eligibility, unix_ms_now(), context.rating_time.periods_per_day);
    const auto from = std::min(page.offset, eligible.size());
    const auto to = std::min(from + page.limit, eligible.size());
    return json_reply(200,
                      leaderboard_json({eligible.begin() + static_cast<std::ptrdiff_t>(from),
                                        eligible.begin() + static_cast<std::ptrdiff_t>(to)},
                                       page.limit, page.offset, static_cast<int>(eligible.size()),
                                       "eligible: " + describe(context.eligibility)));
}

Reply unknown_player(const std::string& player) {
    return error_reply(404, "unknown player '" + player + "'");
}

// The answers that need no waiting, written into the connection's reusable reply: a lookup or
// a health check allocates nothing here.
void answer_in_place(const DataRequest& request, DataContext& context, Reply& reply) {
    if (const auto* lookup = std::get_if<PlayerRequest>(&request)) {
        if (const auto standing = standing_now(lookup->player, context))
            write_standing_json(*standing, reply.body);
        else
            reply = unknown_player(lookup->player);
    } else if (const auto* page = std::get_if<LeaderboardRequest>(&request)) {
        reply =
            page->eligible
                ? eligible_page(*page, context)
                : json_reply(200, leaderboard_json(context.ranking.page(page->limit, page->offset),
                                                   page->limit, page->offset,
                                                   context.ranking.size(), "club"));
    } else if (std::holds_alternative<ReadyRequest>(request)) {
        if (!context.store.available())
            reply = retry_later_reply("not ready: the store is unavailable");
        else if (context.draining.load())
            reply = retry_later_reply("not ready: the server is stopping");
        else
            reply = json_reply(200, {{"status", "ready"}});
    } else if (std::holds_alternative<HealthRequest>(request)) {
        write_health_json(context.mode.load(), reply.body);
    } else if (const auto* file = std::get_if<ClubPageRequest>(&request)) {
        answer_club_page(context.club_page, *file, reply);
    } else {
        reply = std::get<Reply>(request);
    }
}

bool goes_to_store(Route route) {
    return route == Route::post_game || route == Route::game || route == Route::game_explain ||
           route == Route::games_export || route == Route::player_games ||
           route == Route::player_history || route == Route::head_to_head;
}

// A game must come as JSON (so that a browser asks before sending one from another site), not
// from a page elsewhere and, when the server has a write token, with it.
std::optional<Reply> refuse_game_submission(const IncomingRequest& request,
                                            const DataContext& context) {
    if (auto refused = refuse_unless_json(request.content_type)) return refused;
    if (auto refused = refuse_foreign_origin(request.origin, context.own_names)) return refused;
    return refuse_without_token(request.authorization, context.write_token, "game submission");
}

// A parsed request answered without waiting, timed from `started`; false for the hash and the
// store, which must wait.
bool answer_parsed_at_once(const IncomingRequest& request, const DataRequest& parsed, Route route,
                           Clock::time_point started, DataContext& context, Reply& reply) {
    std::optional<Reply> refused;
    if (route == Route::post_game) refused = refuse_game_submission(request, context);
    if (!refused && (std::holds_alternative<RankRequest>(parsed) || goes_to_store(route) ||
                     route == Route::federation))
        return false;
    const auto mode = context.mode.load();
    LoopScope scope(context.watch, route, ++context.next_request_id, mode, 0, started);
    if (refused) {
        reply = std::move(*refused);
    } else {
        answer_in_place(parsed, context, reply);
        // The dashboard times its own requests to /healthz: its page, no other, may read them.
        if (route == Route::healthz &&
            is_dashboard_origin(request.origin, context.own_names, context.dashboard_port))
            reply.allow_origin = request.origin;
    }
    const auto finished = Clock::now();
    scope.finish(finished);
    context.metrics.observe_request(route, mode, seconds_between(started, finished));
    return true;
}

// What must wait: the hash, the store or the federation's service.
net::awaitable<Reply> answer_waiting(DataRequest parsed, Route route, Clock::time_point started,
                                     std::string body, DataContext& context) {
    const auto request_id = ++context.next_request_id;
    const auto mode = context.mode.load();
    const LevelCount counted(context.levels.in_flight);

    Reply reply;
    std::optional<Standing> to_sign;
    std::optional<std::string> to_look_up; // at the federation
    bool to_store = false;
    {
        LoopScope scope(context.watch, route, request_id, mode, 0, started);
        if (const auto* rank = std::get_if<RankRequest>(&parsed)) {
            to_sign = standing_now(rank->player, context);
            if (!to_sign) {
                reply = unknown_player(rank->player);
            } else if (mode == WorkPlacement::offload &&
                       context.levels.hash_queue.load() >= context.max_pending_hashes) {
                // Say no early and cheaply: a queued hash would only be a late answer.
                to_sign.reset();
                ++context.levels.shed_hashes;
                reply = retry_later_reply("too many tokens waiting to be hashed (" +
                                          std::to_string(context.max_pending_hashes) +
                                          "); retry later");
            }
        } else if (auto* federation = std::get_if<FederationRequest>(&parsed)) {
            if (!context.ranking.standing(federation->player))
                reply = unknown_player(federation->player);
            else if (!context.federation)
                reply = error_reply(501, "federation look-ups are off: the server was started "
                                         "without --federation-url");
            else
                to_look_up = std::move(federation->player);
        } else {
            to_store = true;
        }
    }
    if (to_sign) {
        auto answering = answer_rank(std::move(*to_sign), request_id, mode, context);
        reply = co_await std::move(answering);
    } else if (to_look_up) {
        auto answering = context.federation->answer(std::move(*to_look_up), request_id, mode);
        reply = co_await std::move(answering);
    } else if (to_store && route == Route::post_game) {
        auto answering = answer_post_game(std::move(body), request_id, mode, context);
        reply = co_await std::move(answering);
    } else if (to_store) {
        auto answering = answer_game_read(std::move(parsed), request_id, mode, context);
        reply = co_await std::move(answering);
    }

    context.metrics.observe_request(route, mode, seconds_between(started, Clock::now()));
    co_return reply;
}

} // namespace

LaterAnswer answer_data_request(IncomingRequest& request, DataContext& context, Reply& reply) {
    const auto started = Clock::now();
    auto parsed = parse_data_request(request.method, request.target);
    const Route route = route_of(parsed);
    if (answer_parsed_at_once(request, parsed, route, started, context, reply)) return {};
    return [parsed = std::move(parsed), route, started, body = std::move(request.body),
            &context]() mutable {
        return answer_waiting(std::move(parsed), route, started, std::move(body), context);
    };
}

} // namespace ranking
