#pragma once
// For a replay (club_verify.hpp): each player as their first game found them, read alike from
// both databases. The select list over `players AS p` and that first game `g` (none: the
// player's own row), but for rated_at, which is none before a first game (each database writes
// its NULL in its own type); a game's `games` counts it, so the player had one fewer before.
// Each database joins `g` in its own dialect.
#define STARTING_CLUB_COLUMNS                                                                      \
    "p.name, "                                                                                     \
    "CASE WHEN g.seq IS NULL THEN p.rating WHEN g.white = p.name THEN g.white_rating_before "      \
    "ELSE g.black_rating_before END, "                                                             \
    "CASE WHEN g.seq IS NULL THEN p.rd WHEN g.white = p.name THEN g.white_rd_before "              \
    "ELSE g.black_rd_before END, "                                                                 \
    "CASE WHEN g.seq IS NULL THEN p.volatility WHEN g.white = p.name "                             \
    "THEN g.white_volatility_before ELSE g.black_volatility_before END, "                          \
    "CASE WHEN g.seq IS NULL THEN p.games WHEN g.white = p.name THEN g.white_games - 1 "           \
    "ELSE g.black_games - 1 END"
