#pragma once
// GET /players/{name}/history: a player's rating after each of their games, newest first, from
// the games the store keeps (each game holds both players' values after it). With by=day, the
// last value of each day (UTC) in the page, as rating services chart it.
#include "game.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>
#include <vector>

namespace ranking {

// `games`: the player's games, newest first, as the store read a page of `limit`; `next` is
// the `before` of the following page, or null after the last.
nlohmann::json rating_history_json(std::string_view player, const std::vector<StoredGame>& games,
                                   std::size_t limit, bool by_day);

} // namespace ranking
