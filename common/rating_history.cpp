#include "rating_history.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace ranking {
namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

std::int64_t day_of(std::int64_t unix_ms) {
    return unix_ms >= 0 ? unix_ms / ms_per_day : (unix_ms - ms_per_day + 1) / ms_per_day;
}

} // namespace

nlohmann::json rating_history_json(std::string_view player, const std::vector<StoredGame>& games,
                                   std::size_t limit, bool by_day) {
    auto points = nlohmann::json::array();
    std::optional<std::int64_t> last_day; // newest first: a day's first point is its last value
    for (const auto& game : games) {
        const auto& side = game.white.player == player ? game.white : game.black;
        const auto day = day_of(game.played_at_ms);
        if (by_day && last_day == day) continue;
        last_day = day;
        points.push_back({{"seq", game.seq},
                          {"game", game.id},
                          {"played_at", game.played_at_ms},
                          {"rating", side.after.rating},
                          {"rd", side.after.rd},
                          {"volatility", side.after.volatility}});
    }
    const bool more = games.size() == limit && !games.empty();
    return {{"player", player},
            {"by", by_day ? "day" : "game"},
            {"points", std::move(points)},
            {"next", more ? nlohmann::json(games.back().seq) : nlohmann::json(nullptr)}};
}

} // namespace ranking
