#include "player_name.hpp"

namespace ranking {

std::optional<std::string> canonical_player_name(std::string_view name) {
    if (name.empty() || name.size() > max_name_length) return std::nullopt;
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '-') {
            out.push_back(c);
        } else {
            return std::nullopt;
        }
    }
    return out;
}

} // namespace ranking
