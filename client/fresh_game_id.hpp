#pragma once
// Game ids the client makes up when none is given: unique enough that a story told twice, or two
// clients at once, never collide on one database (a collision would be answered 409).
#include <string>
#include <string_view>

namespace ranking {

// "PREFIX-UNIXMS-RANDOM", e.g. "cli-1795554891778-3fa9c2": a valid game id for a short prefix.
std::string fresh_game_id(std::string_view prefix);

} // namespace ranking
