#include "data_routes.hpp"

#include "data_api.hpp"
#include "hash_offload.hpp"
#include "json_shapes.hpp"

#include <chrono>

namespace ranking {
namespace {

struct TimedToken {
    std::string token;
    double ms = 0;
};

// The job handed to run_hash(): copies of its inputs, so it may run on any thread.
struct SignJob {
    std::string secret;
    TokenFields fields;
    TimedToken operator()() const {
        const auto start = std::chrono::steady_clock::now();
        auto token = compute_token(secret, fields);
        const std::chrono::duration<double, std::milli> took =
            std::chrono::steady_clock::now() - start;
        return {std::move(token), took.count()};
    }
};

std::int64_t unix_ms_now() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

net::awaitable<Reply> answer_rank(std::string player, DataContext& context) {
    const auto standing = context.ranking.standing(player);
    if (!standing) co_return error_reply(404, "unknown player '" + player + "'");
    const auto mode = context.mode.load();
    const auto fields = token_fields(*standing, unix_ms_now(), context.hash_iterations);
    auto hashing = run_hash(mode, context.hash_pool, SignJob{context.secret, fields});
    const auto signed_token = co_await std::move(hashing);
    const RankAnswer answer{*standing,          fields.issued_at_ms, fields.iterations,
                            signed_token.token, signed_token.ms,     mode};
    co_return json_reply(200, rank_answer_json(answer));
}

Reply answer_player(const std::string& player, const DataContext& context) {
    const auto standing = context.ranking.standing(player);
    if (!standing) return error_reply(404, "unknown player '" + player + "'");
    return json_reply(200, standing_json(*standing));
}

} // namespace

net::awaitable<Reply> answer_data_request(IncomingRequest request, DataContext& context) {
    auto parsed = parse_data_request(request.method, request.target);
    if (auto* rank = std::get_if<RankRequest>(&parsed)) {
        auto answering = answer_rank(std::move(rank->player), context);
        co_return co_await std::move(answering);
    }
    if (auto* lookup = std::get_if<PlayerRequest>(&parsed))
        co_return answer_player(lookup->player, context);
    if (auto* page = std::get_if<LeaderboardRequest>(&parsed))
        co_return json_reply(200,
                             leaderboard_json(context.ranking.page(page->limit, page->offset),
                                              page->limit, page->offset, context.ranking.size()));
    if (std::holds_alternative<HealthRequest>(parsed))
        co_return json_reply(200, health_json(context.mode.load()));
    co_return std::get<Reply>(std::move(parsed));
}

} // namespace ranking
