#include "data_api.hpp"

#include "player_name.hpp"
#include "rating_time.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <map>
#include <optional>

namespace ranking {
namespace {

namespace urls = boost::urls;

template <typename Number>
std::optional<Number> parse_number(std::string_view text, Number min, Number max) {
    Number value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

// A query's parameters by name, each one of `known` and given once; else the 400 to send.
using QueryParams = std::map<std::string, std::string, std::less<>>;
std::variant<QueryParams, Reply> query_params(const urls::url_view& url,
                                              std::initializer_list<std::string_view> known,
                                              std::string_view usage) {
    QueryParams params;
    for (const auto& param : url.params()) {
        if (std::find(known.begin(), known.end(), param.key) == known.end())
            return error_reply(400, "unknown query parameter '" + param.key + "' (" +
                                        std::string(usage) + ")");
        if (!params.emplace(param.key, param.value).second)
            return error_reply(400, "query parameter '" + param.key + "' given twice");
    }
    return params;
}

// Sets `target` from params[key] when present; false (and `error` set) when it is malformed.
template <typename Number>
bool read_param(const QueryParams& params, std::string_view key, Number min, Number max,
                Number& target, std::optional<Reply>& error) {
    const auto it = params.find(key);
    if (it == params.end()) return true;
    const auto value = parse_number(it->second, min, max);
    if (!value) {
        error = error_reply(400, std::string(key) + " must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
        return false;
    }
    target = *value;
    return true;
}

DataRequest parse_leaderboard_query(const urls::url_view& url) {
    auto params = query_params(url, {"limit", "offset", "eligible"},
                               "leaderboard takes limit, offset and eligible");
    if (auto* error = std::get_if<Reply>(&params)) return std::move(*error);
    LeaderboardRequest request;
    std::optional<Reply> error;
    const auto& p = std::get<QueryParams>(params);
    if (!read_param(p, "limit", std::size_t{1}, max_leaderboard_limit, request.limit, error) ||
        !read_param(p, "offset", std::size_t{0}, max_leaderboard_offset, request.offset, error))
        return std::move(*error);
    if (const auto it = p.find("eligible"); it != p.end()) {
        if (it->second != "true" && it->second != "false")
            return error_reply(400, "eligible must be true or false");
        request.eligible = it->second == "true";
    }
    return request;
}

constexpr auto max_seq = std::numeric_limits<std::int64_t>::max();

DataRequest parse_export_query(const urls::url_view& url) {
    auto params = query_params(url, {"after", "limit"}, "games takes after and limit");
    if (auto* error = std::get_if<Reply>(&params)) return std::move(*error);
    GamesExportRequest request;
    std::optional<Reply> error;
    const auto& p = std::get<QueryParams>(params);
    if (!read_param(p, "after", std::int64_t{0}, max_seq, request.after, error) ||
        !read_param(p, "limit", std::size_t{1}, max_export_page, request.limit, error))
        return std::move(*error);
    return request;
}

// A player's page: limit (1..1000) and before (a seq, the cursor of the page before).
bool read_player_page(const QueryParams& p, std::size_t& limit, std::optional<std::int64_t>& before,
                      std::optional<Reply>& error) {
    std::int64_t cursor = max_seq;
    if (!read_param(p, "limit", std::size_t{1}, max_player_games_page, limit, error) ||
        !read_param(p, "before", std::int64_t{1}, max_seq, cursor, error))
        return false;
    if (p.contains("before")) before = cursor;
    return true;
}

DataRequest parse_player_games_query(const urls::url_view& url, std::string player) {
    auto params = query_params(url, {"limit", "before"}, "a player's games take limit and before");
    if (auto* error = std::get_if<Reply>(&params)) return std::move(*error);
    PlayerGamesRequest request;
    request.player = std::move(player);
    std::optional<Reply> error;
    if (!read_player_page(std::get<QueryParams>(params), request.limit, request.before, error))
        return std::move(*error);
    return request;
}

DataRequest parse_head_to_head_query(const urls::url_view& url, std::string player,
                                     std::string opponent) {
    auto params = query_params(url, {"limit", "before"}, "a head to head takes limit and before");
    if (auto* error = std::get_if<Reply>(&params)) return std::move(*error);
    HeadToHeadRequest request;
    request.player = std::move(player);
    request.opponent = std::move(opponent);
    std::optional<Reply> error;
    if (!read_player_page(std::get<QueryParams>(params), request.limit, request.before, error))
        return std::move(*error);
    return request;
}

DataRequest parse_player_history_query(const urls::url_view& url, std::string player) {
    auto params = query_params(url, {"limit", "before", "by"},
                               "a player's history takes limit, before and by");
    if (auto* error = std::get_if<Reply>(&params)) return std::move(*error);
    PlayerHistoryRequest request;
    request.player = std::move(player);
    std::optional<Reply> error;
    const auto& p = std::get<QueryParams>(params);
    if (!read_player_page(p, request.limit, request.before, error)) return std::move(*error);
    if (const auto by = p.find("by"); by != p.end()) {
        if (by->second != "game" && by->second != "day")
            return error_reply(400, "by must be 'game' or 'day'");
        request.by_day = by->second == "day";
    }
    return request;
}

template <typename Request> DataRequest player_request(std::string_view raw_name) {
    auto name = canonical_player_name(raw_name);
    if (!name) return error_reply(400, "invalid player name: " + std::string(player_name_rule));
    return Request{std::move(*name)};
}

} // namespace

DataRequest parse_data_request(std::string_view method, std::string_view target) {
    const auto parsed = urls::parse_origin_form(target);
    if (!parsed) return error_reply(400, "malformed request target");
    const urls::url_view& url = *parsed;

    // The path's segments as they came, compared decoded in place: a lookup allocates nothing
    // here but its (short) player name. No endpoint has more than four.
    std::array<urls::pct_string_view, 4> segments;
    std::size_t count = 0;
    for (const auto segment : url.encoded_segments()) {
        if (count == segments.size()) return error_reply(404, "no such endpoint");
        segments[count++] = segment;
    }
    const auto is = [&](std::size_t i, std::string_view word) { return *segments[i] == word; };
    const auto only_get = [&](DataRequest request) -> DataRequest {
        if (method != "GET") return method_not_allowed(method, "GET");
        return request;
    };
    if (count == 1 && is(0, "healthz")) return only_get(HealthRequest{});
    if (count == 1 && is(0, "readyz")) return only_get(ReadyRequest{});
    if (count == 2 && is(0, "players"))
        return only_get(player_request<PlayerRequest>(segments[1].decode()));
    if (count == 2 && is(0, "rank"))
        return only_get(player_request<RankRequest>(segments[1].decode()));
    if (count == 1 && is(0, "leaderboard")) return only_get(parse_leaderboard_query(url));
    if (count == 3 && is(0, "players") && is(2, "games")) {
        auto name = canonical_player_name(segments[1].decode());
        if (!name) return error_reply(400, "invalid player name: " + std::string(player_name_rule));
        return only_get(parse_player_games_query(url, std::move(*name)));
    }
    if (count == 3 && is(0, "players") && is(2, "history")) {
        auto name = canonical_player_name(segments[1].decode());
        if (!name) return error_reply(400, "invalid player name: " + std::string(player_name_rule));
        return only_get(parse_player_history_query(url, std::move(*name)));
    }
    if (count == 3 && is(0, "players") && is(2, "federation"))
        return only_get(player_request<FederationRequest>(segments[1].decode()));
    if (count == 4 && is(0, "players") && is(2, "vs")) {
        auto player = canonical_player_name(segments[1].decode());
        auto opponent = canonical_player_name(segments[3].decode());
        if (!player || !opponent)
            return error_reply(400, "invalid player name: " + std::string(player_name_rule));
        if (*player == *opponent) return error_reply(400, "a player has no games against themself");
        return only_get(parse_head_to_head_query(url, std::move(*player), std::move(*opponent)));
    }
    if (count == 1 && is(0, "club")) return only_get(ClubPageRequest{"index.html"});
    if (count == 2 && is(0, "club")) return only_get(ClubPageRequest{segments[1].decode()});
    if (count == 1 && is(0, "games")) {
        if (method == "POST") return PostGameRequest{};
        if (method != "GET") return method_not_allowed(method, "GET, POST");
        return parse_export_query(url);
    }
    if ((count == 2 && is(0, "games")) || (count == 3 && is(0, "games") && is(2, "explain"))) {
        auto id = segments[1].decode();
        if (!valid_game_id(id))
            return error_reply(400, "invalid game id: " + std::string(game_id_rule));
        if (count == 3) return only_get(GameExplainRequest{std::move(id)});
        return only_get(GameRequest{std::move(id)});
    }
    return error_reply(404, "no such endpoint");
}

std::variant<GameSubmission, Reply> parse_game_submission(std::string_view body,
                                                          std::int64_t now_ms) {
    const auto bad = [](const std::string& message) { return error_reply(400, message); };
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) return bad("body is not valid JSON");
    if (!json.is_object()) return bad("body must be a JSON object");
    for (const auto& [key, value] : json.items())
        if (key != "id" && key != "white" && key != "black" && key != "result" &&
            key != "played_at")
            return bad("unknown field '" + key +
                       "' (a game has id, white, black, result and played_at)");
    const auto text = [&](const char* key) -> const std::string* {
        const auto it = json.find(key);
        return it != json.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
    };
    GameSubmission game;
    const auto* id = text("id");
    if (!id || !valid_game_id(*id))
        return bad("field 'id' must be a string of " + std::string(game_id_rule));
    game.id = *id;
    for (auto [key, target] : {std::pair{"white", &game.white}, std::pair{"black", &game.black}}) {
        const auto* name = text(key);
        auto canonical = name ? canonical_player_name(*name) : std::nullopt;
        if (!canonical)
            return bad("field '" + std::string(key) + "' must be a player name of " +
                       std::string(player_name_rule));
        *target = std::move(*canonical);
    }
    if (game.white == game.black) return bad("fields 'white' and 'black' name the same player");
    const auto* result = text("result");
    const auto parsed_result = result ? parse_game_result(*result) : std::nullopt;
    if (!parsed_result) return bad("field 'result' must be \"1-0\", \"0-1\" or \"1/2-1/2\"");
    game.result = *parsed_result;
    if (const auto it = json.find("played_at"); it != json.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
            return bad("field 'played_at' must be Unix time in milliseconds (a whole number >= 0)");
        game.played_at_ms = it->get<std::int64_t>();
        if (*game.played_at_ms > now_ms + ms_per_day)
            return bad("field 'played_at' is more than a day in the future");
    }
    return game;
}

Route route_of(const DataRequest& request) noexcept {
    struct Of {
        Route operator()(const RankRequest&) const { return Route::rank; }
        Route operator()(const PlayerRequest&) const { return Route::players; }
        Route operator()(const LeaderboardRequest&) const { return Route::leaderboard; }
        Route operator()(const HealthRequest&) const { return Route::healthz; }
        Route operator()(const ReadyRequest&) const { return Route::readyz; }
        Route operator()(const PostGameRequest&) const { return Route::post_game; }
        Route operator()(const GameRequest&) const { return Route::game; }
        Route operator()(const GameExplainRequest&) const { return Route::game_explain; }
        Route operator()(const GamesExportRequest&) const { return Route::games_export; }
        Route operator()(const PlayerGamesRequest&) const { return Route::player_games; }
        Route operator()(const PlayerHistoryRequest&) const { return Route::player_history; }
        Route operator()(const FederationRequest&) const { return Route::federation; }
        Route operator()(const HeadToHeadRequest&) const { return Route::head_to_head; }
        Route operator()(const ClubPageRequest&) const { return Route::club_page; }
        Route operator()(const Reply&) const { return Route::other; }
    };
    return std::visit(Of{}, request);
}

std::string_view route_name(Route route) noexcept {
    switch (route) {
    case Route::rank:
        return "/rank";
    case Route::players:
        return "/players";
    case Route::leaderboard:
        return "/leaderboard";
    case Route::healthz:
        return "/healthz";
    case Route::readyz:
        return "/readyz";
    case Route::post_game:
        return "POST /games";
    case Route::game:
        return "/games/{id}";
    case Route::game_explain:
        return "/games/{id}/explain";
    case Route::games_export:
        return "GET /games";
    case Route::player_games:
        return "/players/{name}/games";
    case Route::player_history:
        return "/players/{name}/history";
    case Route::federation:
        return "/players/{name}/federation";
    case Route::head_to_head:
        return "/players/{name}/vs/{opponent}";
    case Route::club_page:
        return "/club";
    case Route::other:
        break;
    }
    return "other";
}

} // namespace ranking
