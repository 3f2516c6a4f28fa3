#include "background_priority.hpp"

#include <charconv>

namespace ranking {

std::optional<BackgroundPriority> parse_background_priority(std::string_view text) {
    if (text == "idle") return BackgroundPriority{BackgroundPriorityKind::idle, 0};
    if (text == "normal") return BackgroundPriority{BackgroundPriorityKind::normal, 0};
    constexpr std::string_view prefix = "nice:";
    if (!text.starts_with(prefix)) return std::nullopt;
    const auto digits = text.substr(prefix.size());
    int n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || end != digits.data() + digits.size() || n < 1 || n > 19)
        return std::nullopt;
    return BackgroundPriority{BackgroundPriorityKind::nice, n};
}

std::string to_string(BackgroundPriority priority) {
    switch (priority.kind) {
    case BackgroundPriorityKind::idle:
        return "idle";
    case BackgroundPriorityKind::normal:
        return "normal";
    case BackgroundPriorityKind::nice:
        return "nice:" + std::to_string(priority.nice);
    }
    return "?";
}

} // namespace ranking
