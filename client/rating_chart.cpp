#include "rating_chart.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace ranking {

std::string sparkline(const std::vector<double>& values, std::size_t width) {
    static constexpr std::array<std::string_view, 8> blocks{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (values.empty() || width == 0) return {};
    const auto columns = std::min(width, values.size());
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    const double span = *high - *low;
    std::string line;
    for (std::size_t c = 0; c < columns; ++c) {
        // The last value of the column's share: a chart that ends on the current rating.
        const double value = values[(c + 1) * values.size() / columns - 1];
        const auto level =
            span > 0 ? static_cast<std::size_t>((value - *low) / span * 7.0 + 0.5) : std::size_t{3};
        line += blocks[std::min<std::size_t>(level, 7)];
    }
    return line;
}

} // namespace ranking
