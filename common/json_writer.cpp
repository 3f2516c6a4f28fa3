#include "json_writer.hpp"

#include <charconv>
#include <cmath>

namespace ranking {

JsonWriter& JsonWriter::begin_object() {
    if (comma_) out_.push_back(',');
    out_.push_back('{');
    comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_.push_back('}');
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    out_.push_back('[');
    comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_.push_back(']');
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::null_value() {
    out_.append("null");
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    if (comma_) out_.push_back(',');
    string(name);
    out_.push_back(':');
    comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    string(text);
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
    char digits[24];
    out_.append(digits, std::to_chars(std::begin(digits), std::end(digits), number).ptr);
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::flag(bool yes) {
    out_.append(yes ? "true" : "false");
    comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    comma_ = true;
    if (!std::isfinite(number)) {
        out_.append("null");
        return *this;
    }
    char digits[32];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), number).ptr;
    const std::string_view written(digits, static_cast<std::size_t>(end - digits));
    out_.append(written);
    // A whole number still reads back as a double, as nlohmann writes it ("1500.0").
    if (written.find_first_of(".e") == std::string_view::npos) out_.append(".0");
    return *this;
}

void JsonWriter::string(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out_.push_back('"');
    // Runs of plain characters are copied whole; names and labels are nothing else.
    std::size_t plain = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
        out_.append(text.substr(plain, i - plain));
        plain = i + 1;
        if (byte >= 0x20) {
            out_.push_back('\\');
            out_.push_back(text[i]);
        } else {
            out_.append("\\u00");
            out_.push_back(hex[byte >> 4]);
            out_.push_back(hex[byte & 0xf]);
        }
    }
    out_.append(text.substr(plain));
    out_.push_back('"');
}

} // namespace ranking
