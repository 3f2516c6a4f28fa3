#pragma once
// The club's roster: who plays and at what rating. Generated deterministically or loaded.
#include "glicko2.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

inline constexpr int min_rating = 0;
inline constexpr int max_rating = 3999;

// A member as the club knows them: Glicko values at full precision and games played.
struct Player {
    std::string name;
    double rating = new_player_glicko.rating;
    double rd = new_player_glicko.rd;
    double volatility = new_player_glicko.volatility;
    int games = 0;
    // Unix ms: when their latest rated game was played (none before their first game).
    std::optional<std::int64_t> rated_at_ms = std::nullopt;
    Glicko glicko() const { return {rating, rd, volatility}; }
    bool operator==(const Player&) const = default;
};

// The whole number that ranks are computed from: the rating rounded, kept in range.
int rounded_rating(double rating) noexcept;

// `count` players (at least the three of the story: alice, bob and charlie) with ratings drawn
// from a normal distribution around 1500 and the RDs of established players (50-150, volatility
// 0.06). Same count and seed, same club, on every machine.
std::vector<Player> generate_club(std::size_t count, std::uint64_t seed = 1851);

// A roster from CSV ("name,rating[,rd[,volatility]]" lines, optional header) or JSON
// ([{"name":..,"rating":..,"rd":..,"volatility":..}] or {"players":[...]}; rd and volatility
// optional, 350 and 0.06 when absent), chosen by the file's extension. Throws
// std::runtime_error naming the file, line or entry and what is wrong (bad name, rating, RD or
// volatility out of range, duplicate).
std::vector<Player> load_roster(const std::filesystem::path& file);

} // namespace ranking
