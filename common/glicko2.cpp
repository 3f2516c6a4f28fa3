#include "glicko2.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace ranking {

namespace {

constexpr double glicko_scale = 173.7178; // 400 / ln(10): Glicko points per Glicko-2 unit
constexpr double glicko_centre = 1500.0;
constexpr double volatility_tolerance = 0.000001;

double to_mu(double rating) {
    return (rating - glicko_centre) / glicko_scale;
}
double to_phi(double rd) {
    return rd / glicko_scale;
}
double to_rating(double mu) {
    return mu * glicko_scale + glicko_centre;
}
double to_rd(double phi) {
    return phi * glicko_scale;
}

// Weight of an opponent's result: the less certain their rating, the less the game says.
double opponent_weight(double phi) { // g(phi) in the paper
    return 1.0 / std::sqrt(1.0 + 3.0 * phi * phi / (std::numbers::pi * std::numbers::pi));
}

double expected_score(double mu, double mu_j, double phi_j) {
    return 1.0 / (1.0 + std::exp(-opponent_weight(phi_j) * (mu - mu_j)));
}

// Step 5: sigma' = exp(A / 2) where A is the root of f, found by the Illinois algorithm
// (regula falsi that halves the stale end's value so it cannot stall on one side).
double new_volatility(double sigma, double phi, double v, double delta, double tau) {
    const double a = std::log(sigma * sigma);
    const double delta_sq = delta * delta;
    const double phi_sq = phi * phi;
    const auto f = [&](double x) {
        const double ex = std::exp(x);
        const double denom = phi_sq + v + ex;
        return ex * (delta_sq - phi_sq - v - ex) / (2.0 * denom * denom) - (x - a) / (tau * tau);
    };

    double lower = a;
    double upper = 0;
    if (delta_sq > phi_sq + v) {
        upper = std::log(delta_sq - phi_sq - v);
    } else {
        // f is decreasing; step down from a until f turns non-negative to bracket the root.
        int k = 1;
        while (f(a - k * tau) < 0)
            ++k;
        upper = a - k * tau;
    }

    double f_lower = f(lower);
    double f_upper = f(upper);
    while (std::abs(upper - lower) > volatility_tolerance) {
        const double c = lower + (lower - upper) * f_lower / (f_upper - f_lower);
        const double f_c = f(c);
        if (f_c * f_upper <= 0) {
            lower = upper;
            f_lower = f_upper;
        } else {
            f_lower /= 2;
        }
        upper = c;
        f_upper = f_c;
    }
    return std::exp(lower / 2);
}

} // namespace

namespace {

// Steps 5-7, shared by a period of many games and the explanation of one.
struct Updated {
    double sigma_new, phi_star, phi_new, mu_new;
};
Updated steps_5_to_7(double mu, double phi, double sigma, double inverse_v, double score_excess,
                     double tau) {
    const double v = 1 / inverse_v;
    const double delta = v * score_excess;
    const double sigma_new = new_volatility(sigma, phi, v, delta, tau);
    const double phi_star = std::sqrt(phi * phi + sigma_new * sigma_new);
    const double phi_new = 1 / std::sqrt(1 / (phi_star * phi_star) + inverse_v);
    return {sigma_new, phi_star, phi_new, mu + phi_new * phi_new * score_excess};
}

} // namespace

Glicko glicko2_update(const Glicko& player, std::span<const GlickoGame> games, double tau) {
    const double mu = to_mu(player.rating);
    const double phi = to_phi(player.rd);
    const double sigma = player.volatility;

    if (games.empty()) return {player.rating, to_rd(std::sqrt(phi * phi + sigma * sigma)), sigma};

    double inverse_v = 0;    // 1 / v, the estimated variance from game outcomes alone
    double score_excess = 0; // sum of g(phi_j) * (s_j - E)
    for (const GlickoGame& game : games) {
        const double mu_j = to_mu(game.opponent.rating);
        const double phi_j = to_phi(game.opponent.rd);
        const double g_j = opponent_weight(phi_j);
        const double e = expected_score(mu, mu_j, phi_j);
        inverse_v += g_j * g_j * e * (1 - e);
        score_excess += g_j * (game.score - e);
    }
    const auto updated = steps_5_to_7(mu, phi, sigma, inverse_v, score_excess, tau);
    return {to_rating(updated.mu_new), to_rd(updated.phi_new), updated.sigma_new};
}

GlickoSteps glicko2_game_steps(const Glicko& player, const Glicko& opponent, double score,
                               double tau) {
    GlickoSteps s;
    s.mu = to_mu(player.rating);
    s.phi = to_phi(player.rd);
    s.sigma = player.volatility;
    s.mu_j = to_mu(opponent.rating);
    s.phi_j = to_phi(opponent.rd);
    s.g = opponent_weight(s.phi_j);
    s.expected = expected_score(s.mu, s.mu_j, s.phi_j);
    s.score = score;
    const double inverse_v = s.g * s.g * s.expected * (1 - s.expected);
    const double score_excess = s.g * (score - s.expected);
    s.v = 1 / inverse_v;
    s.delta = s.v * score_excess;
    const auto updated = steps_5_to_7(s.mu, s.phi, s.sigma, inverse_v, score_excess, tau);
    s.sigma_new = updated.sigma_new;
    s.phi_star = updated.phi_star;
    s.phi_new = updated.phi_new;
    s.mu_new = updated.mu_new;
    s.after = {to_rating(s.mu_new), to_rd(s.phi_new), s.sigma_new};
    return s;
}

RatedPair rate_game(const Glicko& white, const Glicko& black, double white_score) {
    const std::array white_games{GlickoGame{black, white_score}};
    const std::array black_games{GlickoGame{white, 1 - white_score}};
    return {glicko2_update(white, white_games), glicko2_update(black, black_games)};
}

} // namespace ranking
