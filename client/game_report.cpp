#include "game_report.hpp"

#include <cstdio>

namespace ranking {
namespace {

std::string side_line(const char* colour, const GameSide& side) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "  %-5s  %-12s %7.1f -> %7.1f  (RD %.1f -> %.1f)  rank %d  (%d game%s)\n", colour,
                  side.player.c_str(), side.before.rating, side.after.rating, side.before.rd,
                  side.after.rd, side.rank, side.games, side.games == 1 ? "" : "s");
    return line;
}

} // namespace

std::string render_game(const StoredGame& game, bool created) {
    const std::string headline =
        "game " + game.id + " (seq " + std::to_string(game.seq) + "): " + game.white.player +
        " vs " + game.black.player + ", " + std::string(to_string(game.result)) +
        (created ? "; new (201 Created)\n"
                 : "; already recorded (200): a retry, the original answer\n");
    return headline + side_line("white", game.white) + side_line("black", game.black);
}

} // namespace ranking
