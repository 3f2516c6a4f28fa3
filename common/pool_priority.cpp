#include "pool_priority.hpp"

#include <charconv>

namespace ranking {

std::optional<PoolPriority> parse_pool_priority(std::string_view text) {
    if (text == "idle") return PoolPriority{PoolPriorityKind::idle, 0};
    if (text == "normal") return PoolPriority{PoolPriorityKind::normal, 0};
    constexpr std::string_view prefix = "nice:";
    if (!text.starts_with(prefix)) return std::nullopt;
    const auto digits = text.substr(prefix.size());
    int n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || end != digits.data() + digits.size() || n < 1 || n > 19)
        return std::nullopt;
    return PoolPriority{PoolPriorityKind::nice, n};
}

std::string to_string(PoolPriority priority) {
    switch (priority.kind) {
    case PoolPriorityKind::idle:
        return "idle";
    case PoolPriorityKind::normal:
        return "normal";
    case PoolPriorityKind::nice:
        return "nice:" + std::to_string(priority.nice);
    }
    return "?";
}

} // namespace ranking
