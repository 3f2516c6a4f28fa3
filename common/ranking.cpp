#include "ranking.hpp"

#include "rating_time.hpp"

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace ranking {

Ranking::Ranking(const std::vector<Player>& roster) : counts_(max_rating - min_rating + 2, 0) {
    for (const auto& p : roster) {
        if (!std::isfinite(p.rating))
            throw std::invalid_argument("rating not finite for " + p.name);
        const int rating = rounded_rating(p.rating);
        const auto [it, added] =
            players_.emplace(p.name, Entry{p.glicko(), rating, p.games, 0, p.rated_at_ms});
        if (!added) throw std::invalid_argument("duplicate player " + p.name);
        ordered_.insert(&*it);
        add_count(rating, +1);
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
    const auto it = players_.find(player);
    if (it == players_.end()) return std::nullopt;
    const Entry& e = it->second;
    const int below = e.rating > min_rating ? count_at_or_below(e.rating - 1) : 0;
    const double percentile = std::round(10'000.0 * below / size()) / 100.0;
    return Standing{it->first,  e.rating, rank_of(e.rating), size(),
                    percentile, e.glicko, e.games,           e.rated_at_ms};
}

std::optional<Player> Ranking::player(std::string_view name) const {
    const auto it = players_.find(name);
    if (it == players_.end()) return std::nullopt;
    const Entry& e = it->second;
    return Player{it->first,           e.glicko.rating, e.glicko.rd,
                  e.glicko.volatility, e.games,         e.rated_at_ms};
}

std::vector<LeaderboardEntry> Ranking::page(std::size_t limit, std::size_t offset) const {
    std::vector<LeaderboardEntry> out;
    if (offset >= ordered_.size()) return out;
    auto it = std::next(ordered_.begin(), static_cast<std::ptrdiff_t>(offset));
    for (; it != ordered_.end() && out.size() < limit; ++it)
        out.push_back({rank_of((*it)->second.rating), (*it)->first, (*it)->second.rating});
    return out;
}

void Ranking::for_each_in_order(const InOrder& visit) const {
    for (const Node* node : ordered_)
        visit(node->first, node->second.glicko, node->second.rated_at_ms, node->second.rating);
}

bool Ranking::apply(std::string_view player, const Glicko& values, int games, std::int64_t seq,
                    std::int64_t played_at_ms) {
    const auto it = players_.find(player);
    if (it == players_.end()) return false;
    const auto rated_at = rated_at_after(it->second.rated_at_ms, played_at_ms);
    if (seq <= it->second.seq) {
        if (it->second.rated_at_ms != rated_at) ++version_;
        it->second.rated_at_ms = rated_at;
        return false;
    }
    return reset({it->first, values.rating, values.rd, values.volatility, games, rated_at}, seq);
}

bool Ranking::reset(const Player& player, std::int64_t seq) {
    if (!std::isfinite(player.rating)) throw std::invalid_argument("rating not finite");
    const auto it = players_.find(player.name);
    if (it == players_.end()) return false;
    Entry& e = it->second;
    const int rating = rounded_rating(player.rating);
    ordered_.erase(&*it);
    add_count(e.rating, -1);
    e = Entry{player.glicko(), rating, player.games, seq, player.rated_at_ms};
    ++version_;
    ordered_.insert(&*it);
    add_count(rating, +1);
    return true;
}

} // namespace ranking
