#pragma once
// What a player's name may be. Names are case-insensitive: "Alice" finds alice.
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

inline constexpr std::size_t max_name_length = 32;
inline constexpr std::string_view player_name_rule =
    "1 to 32 characters: ASCII letters, digits, '.', '_' or '-'";

// The lower-case form of a valid name, or nothing when `name` breaks the rule.
std::optional<std::string> canonical_player_name(std::string_view name);

} // namespace ranking
