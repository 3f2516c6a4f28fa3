#pragma once
// Where the work that could block the loop runs (the security hash, rendering a page of games,
// the store's calls): off the loop (a pool, the storage thread, libpq's non-blocking API) or on
// the loop itself, which then stops for everyone. The server's --mode and PUT /mode set it.
#include <optional>
#include <string_view>

namespace ranking {

enum class WorkPlacement { offload, inline_on_loop };

std::string_view to_string(WorkPlacement mode) noexcept;

// Accepts exactly "offload" or "inline" (surrounding whitespace ignored, e.g. a curl body).
std::optional<WorkPlacement> parse_mode(std::string_view text) noexcept;

} // namespace ranking
