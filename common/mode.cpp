#include "mode.hpp"

namespace ranking {

std::string_view to_string(WorkPlacement mode) noexcept {
    return mode == WorkPlacement::offload ? "offload" : "inline";
}

std::optional<WorkPlacement> parse_mode(std::string_view text) noexcept {
    constexpr std::string_view blanks = " \t\r\n";
    auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return std::nullopt;
    text = text.substr(first, text.find_last_not_of(blanks) - first + 1);
    if (text == "offload") return WorkPlacement::offload;
    if (text == "inline") return WorkPlacement::inline_on_loop;
    return std::nullopt;
}

} // namespace ranking
