#include "metrics_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace ranking::load {
namespace {

bool is_name_char(char c, bool first) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    return letter || (!first && c >= '0' && c <= '9');
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// A name at the front of `text`, consumed.
std::optional<std::string> take_name(std::string_view& text) {
    std::size_t length = 0;
    while (length < text.size() && is_name_char(text[length], length == 0))
        ++length;
    if (length == 0) return std::nullopt;
    std::string name(text.substr(0, length));
    text.remove_prefix(length);
    return name;
}

// `"value"` with the format's three escapes (\\, \", \n), consumed.
std::optional<std::string> take_quoted(std::string_view& text) {
    if (text.empty() || text.front() != '"') return std::nullopt;
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            text.remove_prefix(i + 1);
            return value;
        }
        if (c != '\\') {
            value += c;
            continue;
        }
        if (++i == text.size()) return std::nullopt;
        value += text[i] == 'n' ? '\n' : text[i];
    }
    return std::nullopt;
}

// `{a="1",b="2"}` (a trailing comma allowed), consumed.
std::optional<std::vector<std::pair<std::string, std::string>>>
take_labels(std::string_view& text) {
    std::vector<std::pair<std::string, std::string>> labels;
    text.remove_prefix(1);
    while (true) {
        text = trim(text);
        if (!text.empty() && text.front() == '}') {
            text.remove_prefix(1);
            return labels;
        }
        auto key = take_name(text);
        text = trim(text);
        if (!key || text.empty() || text.front() != '=') return std::nullopt;
        text.remove_prefix(1);
        text = trim(text);
        auto value = take_quoted(text);
        if (!value) return std::nullopt;
        labels.emplace_back(std::move(*key), std::move(*value));
        text = trim(text);
        if (!text.empty() && text.front() == ',') text.remove_prefix(1);
    }
}

std::optional<MetricSample> parse_line(std::string_view line) {
    MetricSample sample;
    auto name = take_name(line);
    if (!name) return std::nullopt;
    sample.name = std::move(*name);
    if (!line.empty() && line.front() == '{') {
        auto labels = take_labels(line);
        if (!labels) return std::nullopt;
        sample.labels = std::move(*labels);
    }
    line = trim(line);
    // The value ends at the optional timestamp, which is ignored.
    const auto value = parse_metric_value(line.substr(0, line.find_first_of(" \t")));
    if (!value) return std::nullopt;
    sample.value = *value;
    return sample;
}

} // namespace

std::optional<double> parse_metric_value(std::string_view text) {
    if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
    if (text == "-Inf") return -std::numeric_limits<double>::infinity();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    // std::from_chars refuses a leading +.
    if (text.starts_with('+')) text.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

const std::string* MetricSample::label(std::string_view key) const noexcept {
    for (const auto& [label_name, label_value] : labels)
        if (label_name == key) return &label_value;
    return nullptr;
}

std::vector<MetricSample> parse_metrics_text(std::string_view text) {
    std::vector<MetricSample> samples;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty() || line.front() == '#') continue;
        if (auto sample = parse_line(line)) samples.push_back(std::move(*sample));
    }
    return samples;
}

} // namespace ranking::load
