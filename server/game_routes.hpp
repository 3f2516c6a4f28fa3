#pragma once
// POST /games and the game reads. The store call leaves the loop in offload mode (the awaiting
// coroutine resumes when the game is durable) and holds it in inline mode; the club's ranking
// moves only once the store says a game is durable, so no lookup sees a rating a crash could
// take back.
#include "data_api.hpp"
#include "data_context.hpp"

namespace ranking {

// A durable game becomes visible: both players move (unless a later game moved them first), so
// applying a game again, or late, is harmless. For this server's 201s and other servers' games.
void publish_game(const StoredGame& game, Ranking& ranking);

net::awaitable<Reply> answer_post_game(std::string body, std::uint64_t request_id,
                                       WorkPlacement mode, DataContext& context);

// GET /games/{id}, GET /games?after=&limit=, GET /players/{name}/games?limit=&before=.
net::awaitable<Reply> answer_game_read(DataRequest request, std::uint64_t request_id,
                                       WorkPlacement mode, DataContext& context);

} // namespace ranking
