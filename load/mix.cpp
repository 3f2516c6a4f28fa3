#include "mix.hpp"

#include "json_shapes.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <numeric>
#include <stdexcept>

namespace ranking::load {
namespace {

constexpr std::array<std::string_view, series_count> names{
    "rank", "players", "leaderboard", "healthz", "games", "export", "federation", "canary"};
constexpr std::size_t leaderboard_page = 10;
constexpr std::size_t export_page = 10'000; // the API's largest

} // namespace

std::string_view series_name(Series series) noexcept {
    return names[index(series)];
}

std::optional<Mix> parse_mix(std::string_view text) {
    Mix mix{};
    mix.weights.fill(0);
    std::array<bool, endpoint_count> seen{};
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) return std::nullopt;
        const auto name = item.substr(0, equals);
        const auto value = item.substr(equals + 1);
        const auto found = std::find(names.begin(), names.begin() + endpoint_count, name);
        if (found == names.begin() + endpoint_count) return std::nullopt;
        const auto at = static_cast<std::size_t>(found - names.begin());
        unsigned weight = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), weight);
        if (ec != std::errc{} || end != value.data() + value.size() || seen[at] ||
            weight > 1'000'000)
            return std::nullopt;
        seen[at] = true;
        mix.weights[at] = weight;
    }
    if (std::accumulate(mix.weights.begin(), mix.weights.end(), 0u) == 0) return std::nullopt;
    return mix;
}

std::string to_string(const Mix& mix) {
    std::string text;
    for (std::size_t i = 0; i < endpoint_count; ++i) {
        if (mix.weights[i] == 0) continue;
        if (!text.empty()) text += ',';
        text += std::string(names[i]) + '=' + std::to_string(mix.weights[i]);
    }
    return text;
}

bool needs_club(const Mix& mix) noexcept {
    for (const auto series :
         {Series::rank, Series::players, Series::leaderboard, Series::games, Series::federation})
        if (mix.weights[index(series)] > 0) return true;
    return false;
}

RequestPicker::RequestPicker(Mix mix, std::vector<std::string> players, std::size_t club_size,
                             std::uint64_t seed, std::string game_id_prefix)
    : players_(std::move(players)), club_size_(club_size), random_(seed),
      endpoints_(mix.weights.begin(), mix.weights.end()),
      game_id_prefix_(std::move(game_id_prefix)) {
    if (mix.weights[index(Series::games)] > 0 && players_.size() < 2)
        throw std::invalid_argument("games need at least two player names, the club gave " +
                                    std::to_string(players_.size()));
}

PlannedRequest RequestPicker::next_game() {
    const auto last = players_.size() - 1;
    const auto white = std::uniform_int_distribution<std::size_t>(0, last)(random_);
    // One of the other players, uniformly: draw one of `last` places and step over white's.
    auto black = std::uniform_int_distribution<std::size_t>(0, last - 1)(random_);
    if (black >= white) ++black;
    constexpr std::array results{GameResult::white_wins, GameResult::black_wins, GameResult::draw};
    const auto result = results[std::uniform_int_distribution<std::size_t>(0, 2)(random_)];
    const GameSubmission game{game_id_prefix_ + std::to_string(++games_), players_[white],
                              players_[black], result, std::nullopt};
    return {Series::games, "/games", "POST", game_submission_json(game).dump()};
}

PlannedRequest RequestPicker::next() {
    const auto series = static_cast<Series>(endpoints_(random_));
    const auto any_player = [this] {
        return players_[std::uniform_int_distribution<std::size_t>(0,
                                                                   players_.size() - 1)(random_)];
    };
    switch (series) {
    case Series::rank:
        return {series, "/rank/" + any_player()};
    case Series::players:
        return {series, "/players/" + any_player()};
    case Series::leaderboard: {
        const auto last = club_size_ > leaderboard_page ? club_size_ - leaderboard_page : 0;
        const auto offset = std::uniform_int_distribution<std::size_t>(0, last)(random_);
        return {series, "/leaderboard?limit=" + std::to_string(leaderboard_page) +
                            "&offset=" + std::to_string(offset)};
    }
    case Series::games:
        return next_game();
    case Series::exports:
        return {series, "/games?limit=" + std::to_string(export_page)};
    case Series::federation:
        return {series, "/players/" + any_player() + "/federation"};
    case Series::healthz:
    case Series::canary:
        break;
    }
    return {Series::healthz, "/healthz"};
}

} // namespace ranking::load
