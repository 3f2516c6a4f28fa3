#include "game.hpp"

#include <algorithm>

namespace ranking {

std::string_view to_string(GameResult result) noexcept {
    switch (result) {
    case GameResult::white_wins:
        return "1-0";
    case GameResult::black_wins:
        return "0-1";
    case GameResult::draw:
        break;
    }
    return "1/2-1/2";
}

std::optional<GameResult> parse_game_result(std::string_view text) noexcept {
    for (auto result : {GameResult::white_wins, GameResult::black_wins, GameResult::draw})
        if (text == to_string(result)) return result;
    return std::nullopt;
}

double white_score(GameResult result) noexcept {
    switch (result) {
    case GameResult::white_wins:
        return 1.0;
    case GameResult::black_wins:
        return 0.0;
    case GameResult::draw:
        break;
    }
    return 0.5;
}

bool valid_game_id(std::string_view id) noexcept {
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == ':' || c == '-';
    };
    return !id.empty() && id.size() <= max_game_id_length &&
           std::all_of(id.begin(), id.end(), allowed);
}

bool is_retry_of(const GameSubmission& submission, const StoredGame& stored) noexcept {
    return submission.id == stored.id && submission.white == stored.white.player &&
           submission.black == stored.black.player && submission.result == stored.result &&
           (!submission.played_at_ms || *submission.played_at_ms == stored.played_at_ms);
}

} // namespace ranking
