#include "game_routes.hpp"

#include "game_explanation.hpp"
#include "hand_off.hpp"

#include "json_shapes.hpp"
#include "loop_scope.hpp"
#include "rating_history.hpp"
#include "unix_time.hpp"

#include <optional>
#include <variant>

namespace ranking {
namespace {

// The store's own words (SQL, file names, the database's messages) go to the server's log with
// the request's id; the client learns only that it may try again.
Reply store_unavailable(std::uint64_t request_id, const std::string& why, DataContext& context) {
    context.store_failures.failed("request #" + std::to_string(request_id) +
                                  " answered 503: " + why);
    return retry_later_reply("the store cannot answer now (request #" + std::to_string(request_id) +
                             "); retry later");
}

Reply answer_recorded(const RecordOutcome& outcome, std::uint64_t request_id,
                      DataContext& context) {
    using Kind = RecordOutcome::Kind;
    context.metrics.count_game(outcome.kind);
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
    return store_unavailable(request_id, outcome.message, context);
}

// While the store works inline, the loop is held by it: the scope stays open across the call,
// which completes without suspending. Offloaded, the loop is free until the answer comes back.
void hold_if_inline(std::optional<LoopScope>& held, DataContext& context, Route route,
                    std::uint64_t request_id, WorkPlacement mode) {
    if (mode == WorkPlacement::inline_on_loop) held.emplace(context.watch, route, request_id, mode);
}

// A page holds megabytes from its read until its body is rendered: only so many at a time
// (levels.pages_in_flight, counted on the loop thread), and only while the answer budget has room
// for its body, which stays charged until a slow reader has taken all of it.
std::optional<Reply> refuse_page_if_full(DataContext& context) {
    if (context.levels.pages_in_flight.load() < context.max_pages_in_flight) return std::nullopt;
    ++context.levels.shed_pages;
    return retry_later_reply("too many pages of games being read (" +
                             std::to_string(context.max_pages_in_flight) +
                             " at a time); retry later");
}

// Room in the answer budget for a page of `limit` games at their longest, or the 503 that says
// there is none.
std::variant<MemoryBudget::Lease, Reply> page_room(std::size_t limit, DataContext& context) {
    if (auto lease = context.answer_budget.try_take(games_page_json_bound(limit)))
        return std::move(*lease);
    ++context.levels.shed_pages;
    return retry_later_reply("too many answers waiting for slow readers (" +
                             std::to_string(context.answer_budget.limit() >> 20) +
                             " MiB); retry later");
}

// A page of up to 10,000 games is megabytes of JSON: CPU work, so it goes where the hash goes
// (the pool, or the loop in inline mode). Its lease goes with the answer.
net::awaitable<Reply> games_page(GamesRead read, std::size_t limit, MemoryBudget::Lease lease,
                                 std::uint64_t request_id, WorkPlacement mode,
                                 DataContext& context) {
    if (read.error) co_return store_unavailable(request_id, *read.error, context);
    const auto bound = games_page_json_bound(read.games); // the games read: less, usually
    lease.resize(bound);
    auto rendering = run_placed(mode, context.cpu_pool, [read = std::move(read), limit, bound] {
        std::optional<std::int64_t> next;
        if (read.games.size() == limit && !read.games.empty()) next = read.games.back().seq;
        Reply reply;
        reply.body.reserve(bound); // written once, never regrown
        write_games_page_json(read.games, next, reply.body);
        return reply;
    });
    auto reply = co_await std::move(rendering);
    lease.resize(reply.body.capacity());
    reply.held = std::make_shared<const MemoryBudget::Lease>(std::move(lease));
    co_return reply;
}

nlohmann::json head_to_head_json(const HeadToHeadRequest& vs, const GamesRead& read) {
    auto ids = nlohmann::json::array();
    for (const auto& game : read.games)
        ids.push_back(game.id);
    const bool more = read.games.size() == vs.limit && !read.games.empty();
    const auto tally = read.tally.value_or(HeadToHeadTally{});
    return {{"player", vs.player},
            {"opponent", vs.opponent},
            {"wins", tally.wins},
            {"draws", tally.draws},
            {"losses", tally.losses},
            {"games", std::move(ids)},
            {"next", more ? nlohmann::json(read.games.back().seq) : nlohmann::json(nullptr)}};
}

// GET /players/{a}/vs/{b}: a page of their games' ids and a's tally over ALL their games. The
// tally is counted by the database in the same read (an aggregate: constant memory however many
// games they have, and one snapshot with the page), not by paging through their games here,
// which would hold or re-read every game for one answer. The games read are held until the ids
// are written (a few per game, here): a page's room in the answer budget meanwhile, as a
// history's.
net::awaitable<Reply> answer_head_to_head(const HeadToHeadRequest& vs, std::uint64_t request_id,
                                          WorkPlacement mode, DataContext& context) {
    for (const auto* name : {&vs.player, &vs.opponent})
        if (!context.ranking.standing(*name))
            co_return error_reply(404, "unknown player '" + *name + "'");
    auto room = page_room(vs.limit, context);
    if (auto* refused = std::get_if<Reply>(&room)) co_return std::move(*refused);
    const auto lease = std::move(std::get<MemoryBudget::Lease>(room));
    const LevelCount page_slot(context.levels.pages_in_flight);
    auto reading = context.store.games_between(vs.player, vs.opponent, vs.limit, vs.before, mode);
    const auto read = co_await std::move(reading);
    if (read.error) co_return store_unavailable(request_id, *read.error, context);
    co_return json_reply(200, head_to_head_json(vs, read));
}

} // namespace

void publish_game(const StoredGame& game, Ranking& ranking) {
    for (const auto* side : {&game.white, &game.black})
        ranking.apply(side->player, side->after, side->games, game.seq, game.played_at_ms);
}

net::awaitable<Reply> answer_post_game(std::string body, std::uint64_t request_id,
                                       WorkPlacement mode, DataContext& context) {
    std::optional<GameSubmission> game;
    {
        LoopScope scope(context.watch, Route::post_game, request_id, mode);
        auto parsed = parse_game_submission(body, unix_ms_now());
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
    co_return answer_recorded(outcome, request_id, context);
}

net::awaitable<Reply> answer_game_read(DataRequest request, std::uint64_t request_id,
                                       WorkPlacement mode, DataContext& context) {
    const auto route = route_of(request);
    std::optional<LoopScope> held;
    hold_if_inline(held, context, route, request_id, mode);
    const auto* one = std::get_if<GameRequest>(&request);
    const auto* explain = std::get_if<GameExplainRequest>(&request);
    if (one || explain) {
        const auto& id = one ? one->id : explain->id;
        auto finding = context.store.find(id, mode);
        const auto read = co_await std::move(finding);
        if (read.error) co_return store_unavailable(request_id, *read.error, context);
        if (read.games.empty()) co_return error_reply(404, "no game with id '" + id + "'");
        co_return json_reply(200, one ? game_json(read.games.front())
                                      : explain_game(read.games.front()));
    }
    if (auto refused = refuse_page_if_full(context)) co_return std::move(*refused);
    if (const auto* vs = std::get_if<HeadToHeadRequest>(&request)) {
        auto answering = answer_head_to_head(*vs, request_id, mode, context);
        co_return co_await std::move(answering);
    }
    // A player's games, or their history (drawn from the same page of games), or the export.
    const auto* player_page = std::get_if<PlayerGamesRequest>(&request);
    const auto* history = std::get_if<PlayerHistoryRequest>(&request);
    const std::string* player = player_page ? &player_page->player
                                : history   ? &history->player
                                            : nullptr;
    if (player && !context.ranking.standing(*player))
        co_return error_reply(404, "unknown player '" + *player + "'");
    const std::size_t limit = player_page ? player_page->limit
                              : history   ? history->limit
                                          : std::get<GamesExportRequest>(request).limit;
    auto room = page_room(limit, context);
    if (auto* refused = std::get_if<Reply>(&room)) co_return std::move(*refused);
    auto lease = std::move(std::get<MemoryBudget::Lease>(room));
    const LevelCount page_slot(context.levels.pages_in_flight);
    GamesRead read;
    if (player) {
        auto reading = context.store.player_games(
            *player, limit, player_page ? player_page->before : history->before, mode);
        read = co_await std::move(reading);
    } else {
        const auto& page = std::get<GamesExportRequest>(request);
        auto reading = context.store.games_after(page.after, page.limit, mode);
        read = co_await std::move(reading);
    }
    if (history) { // a few numbers a game: rendered here, the lease let go
        if (read.error) co_return store_unavailable(request_id, *read.error, context);
        co_return json_reply(200, rating_history_json(*player, read.games, limit, history->by_day));
    }
    auto rendering =
        games_page(std::move(read), limit, std::move(lease), request_id, mode, context);
    co_return co_await std::move(rendering);
}

} // namespace ranking
