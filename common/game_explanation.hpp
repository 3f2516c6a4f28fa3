#pragma once
// GET /games/{id}/explain: why a game moved each player as it did. From the values the store
// applied (both players' values before the game, the result), through Glicko-2's steps in the
// paper's names, to the values after, checked against the stored ones, and one plain sentence.
// A game counts as t + 1 rating periods: t for the time since the player's latest game.
#include "game.hpp"

#include <nlohmann/json_fwd.hpp>

namespace ranking {

nlohmann::json explain_game(const StoredGame& game);

} // namespace ranking
