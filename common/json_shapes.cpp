#include "json_shapes.hpp"

#include "json_writer.hpp"
#include "player_name.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ranking {

TokenFields token_fields(const Standing& s, std::int64_t issued_at_ms, std::uint32_t iterations) {
    return TokenFields{s.player,     s.rating,     s.rank,    s.players,
                       s.percentile, issued_at_ms, iterations};
}

nlohmann::json standing_json(const Standing& s) {
    return {{"player", s.player},
            {"rating", s.rating},
            {"rank", s.rank},
            {"players", s.players},
            {"percentile", s.percentile},
            {"glicko", glicko_json(s.glicko)},
            {"games", s.games},
            {"provisional", is_provisional(s.glicko)}};
}

nlohmann::json rank_answer_json(const RankAnswer& a) {
    auto body = standing_json(a.standing);
    body["issued_at"] = a.issued_at_ms;
    body["hash_iterations"] = a.iterations;
    body["token"] = a.token;
    body["hash_ms"] = std::round(a.hash_ms * 1000.0) / 1000.0;
    body["mode"] = to_string(a.mode);
    return body;
}

nlohmann::json leaderboard_json(const std::vector<LeaderboardEntry>& entries, std::size_t limit,
                                std::size_t offset, int players, const std::string& population) {
    auto list = nlohmann::json::array();
    for (const auto& e : entries)
        list.push_back({{"rank", e.rank}, {"player", e.player}, {"rating", e.rating}});
    return {{"limit", limit},
            {"offset", offset},
            {"players", players},
            {"population", population},
            {"entries", list}};
}

nlohmann::json health_json(WorkPlacement mode) {
    return {{"status", "ok"}, {"mode", to_string(mode)}};
}

// Keys in nlohmann's (sorted) order, so both ways read the same.
void write_standing_json(const Standing& s, std::string& out) {
    out.clear();
    JsonWriter json(out);
    json.begin_object().key("games").value(s.games).key("glicko").begin_object();
    json.key("rating").value(s.glicko.rating).key("rd").value(s.glicko.rd);
    json.key("volatility").value(s.glicko.volatility).end_object();
    json.key("percentile").value(s.percentile).key("player").value(s.player);
    json.key("players").value(s.players).key("provisional").flag(is_provisional(s.glicko));
    json.key("rank").value(s.rank).key("rating").value(s.rating);
    json.end_object();
}

void write_health_json(WorkPlacement mode, std::string& out) {
    out.clear();
    JsonWriter(out)
        .begin_object()
        .key("mode")
        .value(to_string(mode))
        .key("status")
        .value("ok")
        .end_object();
}

namespace {

void write_glicko(JsonWriter& json, const Glicko& values) {
    json.begin_object().key("rating").value(values.rating).key("rd").value(values.rd);
    json.key("volatility").value(values.volatility).end_object();
}

void write_side(JsonWriter& json, const GameSide& side) {
    json.begin_object().key("after");
    write_glicko(json, side.after);
    json.key("before");
    write_glicko(json, side.before);
    json.key("games").value(side.games).key("periods").value(side.periods);
    json.key("player").value(side.player).key("rank").value(side.rank).end_object();
}

void write_game(JsonWriter& json, const StoredGame& game) {
    json.begin_object().key("black");
    write_side(json, game.black);
    json.key("id").value(game.id).key("played_at").value(game.played_at_ms);
    json.key("result").value(to_string(game.result)).key("seq").value(game.seq).key("white");
    write_side(json, game.white);
    json.end_object();
}

} // namespace

void write_game_json(const StoredGame& game, std::string& out) {
    out.clear();
    JsonWriter json(out);
    write_game(json, game);
}

namespace {

// A game's JSON but for its id and players' names, at its widest.
std::size_t widest_game_without_names() {
    static const std::size_t bytes = [] {
        constexpr double widest_double = -2.2250738585072014e-308;
        constexpr auto widest_integer = std::numeric_limits<std::int64_t>::min();
        constexpr Glicko widest_glicko{widest_double, widest_double, widest_double};
        const GameSide side{"",
                            widest_glicko,
                            widest_glicko,
                            std::numeric_limits<int>::min(),
                            std::numeric_limits<int>::min(),
                            widest_double};
        StoredGame game{"", widest_integer, GameResult::draw, widest_integer, side, side};
        std::string out;
        write_game_json(game, out);
        return out.size();
    }();
    return bytes;
}

constexpr std::size_t page_frame_bytes = 64; // {"games":[...],"next":N} but the games

} // namespace

std::size_t games_page_json_bound(const std::vector<StoredGame>& games) {
    std::size_t bytes = page_frame_bytes;
    for (const auto& game : games) // + 1: the comma
        bytes += widest_game_without_names() + 1 + game.id.size() + game.white.player.size() +
                 game.black.player.size();
    return bytes;
}

std::size_t games_page_json_bound(std::size_t limit) {
    return page_frame_bytes +
           limit * (widest_game_without_names() + 1 + max_game_id_length + 2 * max_name_length);
}

void write_games_page_json(const std::vector<StoredGame>& games,
                           const std::optional<std::int64_t>& next, std::string& out) {
    out.clear();
    JsonWriter json(out);
    json.begin_object().key("games").begin_array();
    for (const auto& game : games)
        write_game(json, game);
    json.end_array().key("next");
    if (next)
        json.value(*next);
    else
        json.null_value();
    json.end_object();
}

nlohmann::json glicko_json(const Glicko& values) {
    return {{"rating", values.rating}, {"rd", values.rd}, {"volatility", values.volatility}};
}

namespace {

nlohmann::json side_json(const GameSide& side) {
    return {{"player", side.player},
            {"before", glicko_json(side.before)},
            {"after", glicko_json(side.after)},
            {"rank", side.rank},
            {"games", side.games},
            {"periods", side.periods}};
}

Glicko parse_glicko(const nlohmann::json& body) {
    return {body.at("rating").get<double>(), body.at("rd").get<double>(),
            body.at("volatility").get<double>()};
}

GameSide parse_side(const nlohmann::json& body) {
    return {body.at("player").get<std::string>(),
            parse_glicko(body.at("before")),
            parse_glicko(body.at("after")),
            body.at("rank").get<int>(),
            body.at("games").get<int>(),
            body.value("periods", 0.0)}; // a server from before time counted sends none
}

} // namespace

nlohmann::json game_submission_json(const GameSubmission& game) {
    nlohmann::json body{{"id", game.id},
                        {"white", game.white},
                        {"black", game.black},
                        {"result", to_string(game.result)}};
    if (game.played_at_ms) body["played_at"] = *game.played_at_ms;
    return body;
}

nlohmann::json game_json(const StoredGame& game) {
    return {{"id", game.id},
            {"seq", game.seq},
            {"result", to_string(game.result)},
            {"played_at", game.played_at_ms},
            {"white", side_json(game.white)},
            {"black", side_json(game.black)}};
}

StoredGame parse_game(const nlohmann::json& body) {
    const auto result = parse_game_result(body.at("result").get<std::string>());
    if (!result) throw std::invalid_argument("unknown result in game");
    return {body.at("id").get<std::string>(),
            body.at("seq").get<std::int64_t>(),
            *result,
            body.at("played_at").get<std::int64_t>(),
            parse_side(body.at("white")),
            parse_side(body.at("black"))};
}

RankAnswer parse_rank_answer(const nlohmann::json& body) {
    RankAnswer a;
    a.standing.player = body.at("player").get<std::string>();
    a.standing.rating = body.at("rating").get<int>();
    a.standing.rank = body.at("rank").get<int>();
    a.standing.players = body.at("players").get<int>();
    a.standing.percentile = body.at("percentile").get<double>();
    a.issued_at_ms = body.at("issued_at").get<std::int64_t>();
    a.iterations = body.at("hash_iterations").get<std::uint32_t>();
    a.token = body.at("token").get<std::string>();
    a.hash_ms = body.at("hash_ms").get<double>();
    const auto mode = parse_mode(body.at("mode").get<std::string>());
    if (!mode) throw std::invalid_argument("unknown mode in rank answer");
    a.mode = *mode;
    return a;
}

} // namespace ranking
