#include "mode.hpp"

namespace ranking {

std::string_view to_string(HashMode mode) noexcept {
    return mode == HashMode::offload ? "offload" : "inline";
}

std::optional<HashMode> parse_mode(std::string_view text) noexcept {
    constexpr std::string_view blanks = " \t\r\n";
    auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return std::nullopt;
    text = text.substr(first, text.find_last_not_of(blanks) - first + 1);
    if (text == "offload") return HashMode::offload;
    if (text == "inline") return HashMode::inline_on_loop;
    return std::nullopt;
}

} // namespace ranking
