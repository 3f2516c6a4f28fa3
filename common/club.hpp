#pragma once
// The club's roster: who plays and at what rating. Generated deterministically or loaded.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ranking {

inline constexpr int min_rating = 0;
inline constexpr int max_rating = 3999;

struct Player {
    std::string name;
    int rating = 0;
    bool operator==(const Player&) const = default;
};

// `count` players (at least the three of the story: alice, bob and charlie) with ratings drawn
// from a normal distribution around 1500. Same count and seed, same club, on every machine.
std::vector<Player> generate_club(std::size_t count, std::uint64_t seed = 1851);

// A roster from CSV ("name,rating" lines, optional header) or JSON ([{"name":..,"rating":..}] or
// {"players":[...]}), chosen by the file's extension. Throws std::runtime_error naming the file,
// line or entry and what is wrong (bad name, rating out of range, duplicate).
std::vector<Player> load_roster(const std::filesystem::path& file);

} // namespace ranking
