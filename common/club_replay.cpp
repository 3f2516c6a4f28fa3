#include "club_replay.hpp"

#include <sstream>

namespace ranking {
namespace {

// "white's rating after is 1493.2 in the store, 1488.0 replayed"; none when equal. Exact: the
// store keeps doubles as they were computed, and the replay computes them the same way.
template <typename Value>
std::optional<std::string> differs(const std::string& what, const Value& stored,
                                   const Value& replayed) {
    if (stored == replayed) return std::nullopt;
    std::ostringstream text;
    text.precision(17);
    text << what << " is " << stored << " in the store, " << replayed << " replayed";
    return text.str();
}

std::optional<std::string> differs(const std::string& what, const Glicko& stored,
                                   const Glicko& replayed) {
    if (auto d = differs(what + " rating", stored.rating, replayed.rating)) return d;
    if (auto d = differs(what + " RD", stored.rd, replayed.rd)) return d;
    return differs(what + " volatility", stored.volatility, replayed.volatility);
}

} // namespace

ClubReplay::ClubReplay(const std::vector<Player>& start, RatingTime time)
    : club_(start), time_(time) {}

std::optional<std::string> ClubReplay::check(const StoredGame& game) {
    const auto named = [&](const std::string& what) {
        return "game '" + game.id + "' (seq " + std::to_string(game.seq) + "): " + what;
    };
    if (game.seq != last_seq_ + 1)
        return named("comes after seq " + std::to_string(last_seq_) + ": a game is missing");
    const auto white = club_.player(game.white.player);
    const auto black = club_.player(game.black.player);
    if (!white || !black)
        return named("'" + (white ? game.black.player : game.white.player) +
                     "' is not in the club");
    const double white_t = time_.periods(white->rated_at_ms, game.played_at_ms, game.seq);
    const double black_t = time_.periods(black->rated_at_ms, game.played_at_ms, game.seq);
    const auto rated = rate_game_in_time(white->glicko(), white_t, black->glicko(), black_t,
                                         white_score(game.result));
    club_.apply(white->name, rated.white, white->games + 1, game.seq, game.played_at_ms);
    club_.apply(black->name, rated.black, black->games + 1, game.seq, game.played_at_ms);
    last_seq_ = game.seq;
    for (const auto& [colour, side, before, t, after] :
         {std::tuple{"white", &game.white, *white, white_t, rated.white},
          std::tuple{"black", &game.black, *black, black_t, rated.black}}) {
        const std::string who = std::string(colour) + " (" + side->player + ")";
        if (auto d = differs(who + "'s before", side->before, before.glicko())) return named(*d);
        if (auto d = differs(who + "'s time (rating periods)", side->periods, t)) return named(*d);
        if (auto d = differs(who + "'s after", side->after, after)) return named(*d);
        if (auto d = differs(who + "'s games", side->games, before.games + 1)) return named(*d);
        if (auto d = differs(who + "'s rank", side->rank, club_.standing(side->player)->rank))
            return named(*d);
    }
    return std::nullopt;
}

std::optional<std::string> ClubReplay::check_final(const std::vector<Player>& stored) const {
    if (static_cast<int>(stored.size()) != club_.size())
        return "the store has " + std::to_string(stored.size()) + " players, the replay " +
               std::to_string(club_.size());
    for (const auto& player : stored) {
        const auto replayed = club_.player(player.name);
        if (!replayed) return "player '" + player.name + "' is not in the starting club";
        const std::string who = "player '" + player.name + "'";
        if (auto d = differs(who + "'s", player.glicko(), replayed->glicko())) return d;
        if (auto d = differs(who + "'s games", player.games, replayed->games)) return d;
        if (player.rated_at_ms != replayed->rated_at_ms)
            return who + "'s rated_at differs from the replay's";
    }
    return std::nullopt;
}

} // namespace ranking
