#include "club.hpp"

#include "player_name.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace ranking {
namespace {

// Box-Muller over mt19937_64's standardised output: std::normal_distribution is not portable.
class NormalRatings {
public:
    explicit NormalRatings(std::uint64_t seed) : engine_(seed) {}
    int next(double mean, double sd) {
        const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
        const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
        const long r = std::lround(mean + sd * z);
        return static_cast<int>(std::clamp<long>(r, 100, 2850));
    }

private:
    std::mt19937_64 engine_;
};

class RosterBuilder {
public:
    explicit RosterBuilder(std::string source) : source_(std::move(source)) {}
    void add(const std::string& name, const Glicko& values, const std::string& where) {
        auto canonical = canonical_player_name(name);
        if (!canonical)
            fail(where,
                 "invalid player name '" + name + "' (" + std::string(player_name_rule) + ")");
        if (!(values.rating >= min_rating && values.rating <= max_rating))
            fail(where, "rating " + number(values.rating) + " outside " +
                            std::to_string(min_rating) + ".." + std::to_string(max_rating));
        if (!(values.rd > 0 && values.rd <= 350))
            fail(where, "rd " + number(values.rd) + " outside (0, 350]");
        if (!(values.volatility > 0 && values.volatility < 1))
            fail(where, "volatility " + number(values.volatility) + " outside (0, 1)");
        if (!seen_.insert(*canonical).second) fail(where, "duplicate player '" + *canonical + "'");
        players_.push_back({std::move(*canonical), values.rating, values.rd, values.volatility, 0});
    }
    std::vector<Player> finish() {
        if (players_.empty()) fail("", "no players");
        return std::move(players_);
    }
    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw std::runtime_error(source_ + (where.empty() ? "" : ":" + where) + ": " + what);
    }

private:
    static std::string number(double value) {
        std::ostringstream text;
        text << value;
        return text.str();
    }
    std::string source_;
    std::unordered_set<std::string> seen_;
    std::vector<Player> players_;
};

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t\r") - first + 1));
}

std::vector<std::string> split_fields(std::string_view line) {
    std::vector<std::string> fields;
    for (;;) {
        const auto comma = line.find(',');
        fields.push_back(trim(line.substr(0, comma)));
        if (comma == std::string_view::npos) return fields;
        line.remove_prefix(comma + 1);
    }
}

double parse_number(const std::string& text, const char* what, const std::string& where,
                    const RosterBuilder& roster) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        roster.fail(where, std::string(what) + " '" + text + "' is not a number");
    return value;
}

std::vector<Player> load_csv(std::istream& in, RosterBuilder& roster) {
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto where = "line " + std::to_string(number);
        if (trim(line).empty() || trim(line).front() == '#') continue;
        const auto fields = split_fields(line);
        if (fields.size() < 2 || fields.size() > 4)
            roster.fail(where, "expected 'name,rating[,rd[,volatility]]'");
        if (number == 1 && fields[0] == "name") continue; // header
        Glicko values{parse_number(fields[1], "rating", where, roster)};
        if (fields.size() > 2) values.rd = parse_number(fields[2], "rd", where, roster);
        if (fields.size() > 3)
            values.volatility = parse_number(fields[3], "volatility", where, roster);
        roster.add(fields[0], values, where);
    }
    return roster.finish();
}

std::vector<Player> load_json(std::istream& in, RosterBuilder& roster) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        roster.fail("", std::string("invalid JSON: ") + e.what());
    }
    const auto& list = doc.is_object() && doc.contains("players") ? doc["players"] : doc;
    if (!list.is_array()) roster.fail("", "expected an array of players or {\"players\": [...]}");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& entry = list[i];
        const auto where = "entry " + std::to_string(i);
        const auto optional_number = [&](const char* key) {
            return entry.contains(key) && !entry[key].is_number();
        };
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
            !entry.contains("rating") || !entry["rating"].is_number() || optional_number("rd") ||
            optional_number("volatility"))
            roster.fail(where, "expected {\"name\": string, \"rating\": number, \"rd\": "
                               "number (optional), \"volatility\": number (optional)}");
        roster.add(entry["name"].get<std::string>(),
                   {entry["rating"].get<double>(), entry.value("rd", new_player_glicko.rd),
                    entry.value("volatility", new_player_glicko.volatility)},
                   where);
    }
    return roster.finish();
}

} // namespace

int rounded_rating(double rating) noexcept {
    return static_cast<int>(std::clamp<long>(std::lround(rating), min_rating, max_rating));
}

std::vector<Player> generate_club(std::size_t count, std::uint64_t seed) {
    // The story's cast, rated as in the Elo worked example of shared/NOTES.md.
    std::vector<Player> club{
        {"alice", 1613, 60, 0.06}, {"bob", 1477, 90, 0.06}, {"charlie", 1388, 120, 0.06}};
    NormalRatings ratings(seed);
    // Its own engine, so that adding RDs left every generated rating as it was.
    std::mt19937_64 deviations(seed + 1);
    for (std::size_t i = club.size(); i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "player%05zu", i);
        const double rd = 50.0 + static_cast<double>(deviations() >> 11) * 0x1.0p-53 * 100.0;
        club.push_back({name, static_cast<double>(ratings.next(1500.0, 250.0)), rd, 0.06});
    }
    return club;
}

std::vector<Player> load_roster(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(file.string() + ": cannot open");
    RosterBuilder roster(file.string());
    if (file.extension() == ".json") return load_json(in, roster);
    if (file.extension() == ".csv") return load_csv(in, roster);
    roster.fail("", "unknown roster format (use a .csv or .json file)");
}

} // namespace ranking
