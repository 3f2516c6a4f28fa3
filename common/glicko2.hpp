#pragma once
// Glicko-2 (Mark Glickman, "Example of the Glicko-2 system", 2013). Ratings are kept on the
// Glicko scale (1500 / 350); the update works on the Glicko-2 scale internally.
#include <span>

namespace ranking {

struct Glicko {
    double rating = 1500.0;
    double rd = 350.0;        // rating deviation
    double volatility = 0.06; // sigma
    bool operator==(const Glicko&) const = default;
};

inline constexpr Glicko new_player_glicko{};
// RD at or above which a rating is still a guess, shown as provisional (lichess's "?").
inline constexpr double provisional_rd = 110.0;
constexpr bool is_provisional(const Glicko& g) {
    return g.rd >= provisional_rd;
}
inline constexpr double glicko_tau = 0.5; // constrains the change in volatility over time

// One game of a rating period: the opponent's values before the period and our score.
struct GlickoGame {
    Glicko opponent;
    double score = 0; // 1 win, 0.5 draw, 0 loss
};

// The player's values after one rating period with `games` (steps 1-8 of Glickman's paper;
// the volatility by the Illinois algorithm, convergence tolerance 1e-6). No games: only the RD
// grows (step 6 alone).
Glicko glicko2_update(const Glicko& player, std::span<const GlickoGame> games,
                      double tau = glicko_tau);

// One game's rating period for one player, step by step, in the paper's names (Glicko-2 scale:
// mu, phi; sigma is the volatility): what glicko2_update computes, kept for an explanation.
struct GlickoSteps {
    double mu = 0, phi = 0, sigma = 0; // step 2: the player before the game
    double mu_j = 0, phi_j = 0;        // the opponent before the game
    double g = 0;                      // g(phi_j): how much the opponent's uncertainty discounts
    double expected = 0;               // E: the expected score
    double score = 0;                  // s: 1, 0.5 or 0
    double v = 0;                      // step 3: the variance from the game alone
    double delta = 0;                  // step 4: the improvement the game suggests
    double sigma_new = 0;              // step 5
    double phi_star = 0;               // step 6: phi grown by the new volatility
    double phi_new = 0, mu_new = 0;    // step 7
    Glicko after;                      // step 8, back on the Glicko scale
};
GlickoSteps glicko2_game_steps(const Glicko& player, const Glicko& opponent, double score,
                               double tau = glicko_tau);

// One game as its own rating period for both players, each updated from the other's values
// as they stood before the game.
struct RatedPair {
    Glicko white;
    Glicko black;
};
RatedPair rate_game(const Glicko& white, const Glicko& black, double white_score);

} // namespace ranking
