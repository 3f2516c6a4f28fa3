#pragma once
// Where the security hash runs: on the pool (the loop stays free) or on the loop itself.
#include <optional>
#include <string_view>

namespace ranking {

enum class HashMode { offload, inline_on_loop };

std::string_view to_string(HashMode mode) noexcept;

// Accepts exactly "offload" or "inline" (surrounding whitespace ignored, e.g. a curl body).
std::optional<HashMode> parse_mode(std::string_view text) noexcept;

} // namespace ranking
