#include "data_api.hpp"

#include "player_name.hpp"

#include <boost/url/parse.hpp>

#include <charconv>
#include <optional>

namespace ranking {
namespace {

namespace urls = boost::urls;

std::optional<std::size_t> parse_count(std::string_view text, std::size_t min, std::size_t max) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

DataRequest parse_leaderboard_query(const urls::url_view& url) {
    LeaderboardRequest request;
    bool seen_limit = false, seen_offset = false;
    for (const auto& param : url.params()) {
        const std::string_view key = param.key;
        const std::string_view value = param.value;
        if (key == "limit" && !seen_limit) {
            seen_limit = true;
            auto n = parse_count(value, 1, max_leaderboard_limit);
            if (!n) return error_reply(400, "limit must be a whole number from 1 to 100");
            request.limit = *n;
        } else if (key == "offset" && !seen_offset) {
            seen_offset = true;
            auto n = parse_count(value, 0, max_leaderboard_offset);
            if (!n) return error_reply(400, "offset must be a whole number from 0 to 1000000");
            request.offset = *n;
        } else if (key == "limit" || key == "offset") {
            return error_reply(400, "query parameter '" + std::string(key) + "' given twice");
        } else {
            return error_reply(400, "unknown query parameter '" + std::string(key) +
                                        "' (leaderboard takes limit and offset)");
        }
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

    std::vector<std::string> segments;
    for (auto segment : url.segments())
        segments.push_back(segment);
    if (segments.empty()) return error_reply(404, "no such endpoint");

    const auto& head = segments.front();
    DataRequest request = error_reply(404, "no such endpoint");
    if (head == "rank" && segments.size() == 2) {
        request = player_request<RankRequest>(segments[1]);
    } else if (head == "players" && segments.size() == 2) {
        request = player_request<PlayerRequest>(segments[1]);
    } else if (head == "leaderboard" && segments.size() == 1) {
        request = parse_leaderboard_query(url);
    } else if (head == "healthz" && segments.size() == 1) {
        request = HealthRequest{};
    } else {
        return request;
    }
    if (method != "GET") return method_not_allowed(method, "GET");
    return request;
}

Route route_of(const DataRequest& request) noexcept {
    struct Of {
        Route operator()(const RankRequest&) const { return Route::rank; }
        Route operator()(const PlayerRequest&) const { return Route::players; }
        Route operator()(const LeaderboardRequest&) const { return Route::leaderboard; }
        Route operator()(const HealthRequest&) const { return Route::healthz; }
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
    case Route::other:
        break;
    }
    return "other";
}

} // namespace ranking
