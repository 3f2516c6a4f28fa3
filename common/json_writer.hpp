#pragma once
// Writes JSON straight into a string the caller reuses, without building a document: for the few
// small answers on the hot path (health, player lookups, a game's 201), where nlohmann's DOM (a
// node and a string per field, then a serializer pass) was most of a request's own cost. Everything
// else keeps nlohmann::json. The output parses to the same value as the DOM shapes in
// json_shapes.hpp (tested there), with keys in the order the caller writes them.
#include <cstdint>
#include <string>
#include <string_view>

namespace ranking {

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object(); // also an array's next element: the comma comes by itself
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& null_value();
    JsonWriter& key(std::string_view name); // then exactly one value or object
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(double number); // shortest round-trip form; NaN and infinities as null
    JsonWriter& flag(bool yes);       // true or false (not an overload of value: an int or a
                                      // pointer must not turn into a bool silently)

private:
    void string(std::string_view text);
    std::string& out_;
    bool comma_ = false; // a key written now needs a comma before it
};

} // namespace ranking
