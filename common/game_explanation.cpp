#include "game_explanation.hpp"

#include "rating_time.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace ranking {
namespace {

constexpr double same_value = 1e-6; // recomputed and stored values agree to this

nlohmann::json values(const Glicko& g) {
    return {{"rating", g.rating}, {"rd", g.rd}, {"volatility", g.volatility}};
}

bool same(const Glicko& a, const Glicko& b) {
    return std::abs(a.rating - b.rating) < same_value && std::abs(a.rd - b.rd) < same_value &&
           std::abs(a.volatility - b.volatility) < same_value;
}

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
    char text[160];
    std::snprintf(text, sizeof text, pattern, a, b, c);
    return text;
}

// "expected 0.64 against a steady opponent (RD 61, weight 0.99); the win scored 0.36 above
// that; +6.4 rating points, RD 72.1 -> 70.3"
std::string sentence(const GlickoSteps& s, const Glicko& opponent, const Glicko& before,
                     const Glicko& after) {
    const char* result = s.score == 1 ? "the win" : s.score == 0 ? "the loss" : "the draw";
    const double excess = s.score - s.expected;
    return format("expected %.2f against ", s.expected) +
           (is_provisional(opponent) ? "an uncertain opponent" : "a steady opponent") +
           format(" (RD %.0f, weight %.2f); ", opponent.rd, s.g) + result +
           format(excess >= 0 ? " scored %.2f above that; " : " scored %.2f below that; ",
                  std::abs(excess)) +
           format("%+.1f rating points, RD %.1f -> %.1f", after.rating - before.rating, before.rd,
                  after.rd);
}

nlohmann::json side(const GameSide& self, const GameSide& opponent, double score) {
    // Each side as the game saw it: RD grown by the time since their latest game, as stored.
    const auto grown = inflate_rd(self.before, self.periods);
    const auto opponent_grown = inflate_rd(opponent.before, opponent.periods);
    const auto s = glicko2_game_steps(grown, opponent_grown, score);
    auto sentence_text = sentence(s, opponent_grown, grown, self.after);
    if (self.periods > 0)
        sentence_text = format("RD %.1f grew to %.1f over %.2f rating periods away; ",
                               self.before.rd, grown.rd, self.periods) +
                        sentence_text;
    return {{"player", self.player},
            {"score", score},
            {"before", values(self.before)},
            {"periods_away", self.periods},
            {"rd_grown", grown.rd},
            {"opponent",
             {{"player", opponent.player},
              {"rating", opponent_grown.rating},
              {"rd", opponent_grown.rd}}},
            {"rating_periods", self.periods + 1},
            {"steps",
             {{"mu", s.mu},
              {"phi", s.phi},
              {"sigma", s.sigma},
              {"mu_j", s.mu_j},
              {"phi_j", s.phi_j},
              {"g", s.g},
              {"E", s.expected},
              {"v", s.v},
              {"delta", s.delta},
              {"sigma_new", s.sigma_new},
              {"phi_star", s.phi_star},
              {"phi_new", s.phi_new},
              {"mu_new", s.mu_new}}},
            {"after", values(self.after)},
            {"recomputed_after", values(s.after)},
            {"matches_stored", same(s.after, self.after)},
            {"sentence", sentence_text}};
}

} // namespace

nlohmann::json explain_game(const StoredGame& game) {
    const double white = white_score(game.result);
    return {{"id", game.id},
            {"seq", game.seq},
            {"result", to_string(game.result)},
            {"played_at", game.played_at_ms},
            {"tau", glicko_tau},
            {"white", side(game.white, game.black, white)},
            {"black", side(game.black, game.white, 1 - white)}};
}

} // namespace ranking
