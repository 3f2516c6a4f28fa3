#pragma once
// The answer to POST /games, readably, from the answer alone (no I/O): unit-testable.
#include "game.hpp"

#include <string>

namespace ranking {

// A headline (id, seq, players and result; new or a retry) and one line per player:
// "  white  alice         1613.0 -> 1620.4  (RD 60.0 -> 59.8)  rank 12  (8 games)".
// `created`: the server answered 201 (a new game), not 200 (a retry of a recorded one).
std::string render_game(const StoredGame& game, bool created);

} // namespace ranking
