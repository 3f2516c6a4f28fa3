#include "game_routes.hpp"

#include "hash_offload.hpp"

#include "json_shapes.hpp"

#include <optional>

namespace ranking {
namespace {

Reply store_unavailable(const std::string& why) {
    return retry_later_reply("the store cannot take games now: " + why + "; retry later");
}

Reply answer_recorded(const RecordOutcome& outcome, DataContext& context) {
    using Kind = RecordOutcome::Kind;
    context.watch.metrics().count_game(outcome.kind);
    switch (outcome.kind) {
    case Kind::created:
    case Kind::retried: {
        publish_game(outcome.game, context.ranking);
        Reply reply;
        reply.status = outcome.kind == Kind::created ? 201 : 200;
        write_game_json(outcome.game, reply.body);
        reply.location = "/games/" + outcome.game.id;
        return reply;
    }
    case Kind::conflict:
        return error_reply(409, "game id '" + outcome.game.id +
                                    "' is already taken by another game (seq " +
                                    std::to_string(outcome.game.seq) + ")");
    case Kind::unknown_player:
        return error_reply(404, "unknown player '" + outcome.message + "'");
    case Kind::overloaded:
    case Kind::unavailable:
        break;
    }
    return store_unavailable(outcome.message);
}

// While the store works inline, the loop is held by it: the scope stays open across the call,
// which completes without suspending. Offloaded, the loop is free until the answer comes back.
void hold_if_inline(std::optional<LoopScope>& held, DataContext& context, Route route,
                    std::uint64_t request_id, HashMode mode) {
    if (mode == HashMode::inline_on_loop) held.emplace(context.watch, route, request_id, mode);
}

// A page holds megabytes from its read until its body is rendered: only so many at a time
// (levels.pages_in_flight, counted on the loop thread). An export flood (1,000 pages/s from 500
// connections) otherwise queued reads and renderings faster than one storage thread and one pool
// thread clear them, and the server grew by 140 MB/s.
std::optional<Reply> refuse_page_if_full(DataContext& context) {
    if (context.levels.pages_in_flight.load() < context.max_pages_in_flight) return std::nullopt;
    ++context.levels.shed_pages;
    return retry_later_reply("too many pages of games being read (" +
                             std::to_string(context.max_pages_in_flight) +
                             " at a time); retry later");
}

// A page of up to 10,000 games is megabytes of JSON: CPU work, so it goes where the hash goes
// (the pool, or the loop in inline mode).
net::awaitable<Reply> games_page(GamesRead read, std::size_t limit, HashMode mode,
                                 DataContext& context) {
    if (read.error) co_return store_unavailable(*read.error);
    auto rendering = run_cpu(mode, context.hash_pool, [read = std::move(read), limit] {
        std::optional<std::int64_t> next;
        if (read.games.size() == limit && !read.games.empty()) next = read.games.back().seq;
        return json_reply(200, games_page_json(read.games, next));
    });
    co_return co_await std::move(rendering);
}

} // namespace

void publish_game(const StoredGame& game, Ranking& ranking) {
    for (const auto* side : {&game.white, &game.black})
        ranking.apply(side->player, side->after, side->games, game.seq);
}

net::awaitable<Reply> answer_post_game(std::string body, std::uint64_t request_id, HashMode mode,
                                       DataContext& context) {
    std::optional<GameSubmission> game;
    {
        LoopScope scope(context.watch, Route::post_game, request_id, mode);
        auto parsed = parse_game_submission(body);
        if (auto* error = std::get_if<Reply>(&parsed)) co_return std::move(*error);
        game = std::move(std::get<GameSubmission>(parsed));
    }
    RecordOutcome outcome;
    {
        std::optional<LoopScope> held;
        hold_if_inline(held, context, Route::post_game, request_id, mode);
        auto recording = context.store.record(std::move(*game), mode);
        outcome = co_await std::move(recording);
    }
    LoopScope scope(context.watch, Route::post_game, request_id, mode);
    co_return answer_recorded(outcome, context);
}

net::awaitable<Reply> answer_game_read(DataRequest request, std::uint64_t request_id, HashMode mode,
                                       DataContext& context) {
    const auto route = route_of(request);
    std::optional<LoopScope> held;
    hold_if_inline(held, context, route, request_id, mode);
    if (const auto* one = std::get_if<GameRequest>(&request)) {
        auto finding = context.store.find(one->id, mode);
        const auto read = co_await std::move(finding);
        if (read.error) co_return store_unavailable(*read.error);
        if (read.games.empty()) co_return error_reply(404, "no game with id '" + one->id + "'");
        co_return json_reply(200, game_json(read.games.front()));
    }
    if (auto refused = refuse_page_if_full(context)) co_return std::move(*refused);
    const LevelCount page_slot(context.levels.pages_in_flight);
    if (const auto* page = std::get_if<PlayerGamesRequest>(&request)) {
        if (!context.ranking.standing(page->player))
            co_return error_reply(404, "unknown player '" + page->player + "'");
        auto reading = context.store.player_games(page->player, page->limit, page->before, mode);
        auto read = co_await std::move(reading);
        auto rendering = games_page(std::move(read), page->limit, mode, context);
        co_return co_await std::move(rendering);
    }
    const auto& page = std::get<GamesExportRequest>(request);
    auto reading = context.store.games_after(page.after, page.limit, mode);
    auto read = co_await std::move(reading);
    auto rendering = games_page(std::move(read), page.limit, mode, context);
    co_return co_await std::move(rendering);
}

} // namespace ranking
