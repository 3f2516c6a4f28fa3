#pragma once
// The Prometheus text exposition as served by GET /metrics: one sample per line.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ranking::load {

struct MetricSample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels; // in line order, values unescaped
    double value = 0;

    // The label's value, or nothing when the sample has no such label.
    const std::string* label(std::string_view key) const noexcept;
};

// A sample value or an `le` bound: Go-style floats, +Inf, -Inf and NaN included.
std::optional<double> parse_metric_value(std::string_view text);

// Reads `name{labels} value [timestamp]` lines; skips `#` lines, blank lines and any line it
// cannot read, so one odd metric never hides the others.
std::vector<MetricSample> parse_metrics_text(std::string_view text);

} // namespace ranking::load
