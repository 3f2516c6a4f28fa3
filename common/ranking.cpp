#include "ranking.hpp"

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace ranking {

Ranking::Ranking(const std::vector<Player>& roster) : counts_(max_rating - min_rating + 2, 0) {
    for (const auto& p : roster) {
        if (p.rating < min_rating || p.rating > max_rating)
            throw std::invalid_argument("rating out of range for " + p.name);
        if (!ratings_.emplace(p.name, p.rating).second)
            throw std::invalid_argument("duplicate player " + p.name);
        ordered_.insert({0, p.name, p.rating});
        add_count(p.rating, +1);
    }
}

void Ranking::add_count(int rating, int delta) {
    for (auto i = static_cast<std::size_t>(rating - min_rating + 1); i < counts_.size();
         i += i & (~i + 1))
        counts_[i] += delta;
}

int Ranking::count_at_or_below(int rating) const {
    int total = 0;
    for (auto i = static_cast<std::size_t>(rating - min_rating + 1); i > 0; i -= i & (~i + 1))
        total += counts_[i];
    return total;
}

std::optional<Standing> Ranking::standing(std::string_view player) const {
    const auto it = ratings_.find(std::string(player));
    if (it == ratings_.end()) return std::nullopt;
    const int rating = it->second;
    const int below = rating > min_rating ? count_at_or_below(rating - 1) : 0;
    const double percentile = std::round(10'000.0 * below / size()) / 100.0;
    return Standing{it->first, rating, rank_of(rating), size(), percentile};
}

std::vector<LeaderboardEntry> Ranking::page(std::size_t limit, std::size_t offset) const {
    std::vector<LeaderboardEntry> out;
    if (offset >= ordered_.size()) return out;
    auto it = std::next(ordered_.begin(), static_cast<std::ptrdiff_t>(offset));
    for (; it != ordered_.end() && out.size() < limit; ++it)
        out.push_back({rank_of(it->rating), it->player, it->rating});
    return out;
}

bool Ranking::set_rating(std::string_view player, int rating) {
    if (rating < min_rating || rating > max_rating)
        throw std::invalid_argument("rating out of range");
    const auto it = ratings_.find(std::string(player));
    if (it == ratings_.end()) return false;
    ordered_.erase({0, it->first, it->second});
    add_count(it->second, -1);
    it->second = rating;
    ordered_.insert({0, it->first, rating});
    add_count(rating, +1);
    return true;
}

} // namespace ranking
