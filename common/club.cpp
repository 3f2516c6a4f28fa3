#include "club.hpp"

#include "player_name.hpp"

#include <nlohmann/json.hpp>

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
    void add(std::string name, long long rating, const std::string& where) {
        auto canonical = canonical_player_name(name);
        if (!canonical)
            fail(where,
                 "invalid player name '" + name + "' (" + std::string(player_name_rule) + ")");
        if (rating < min_rating || rating > max_rating)
            fail(where, "rating " + std::to_string(rating) + " outside " +
                            std::to_string(min_rating) + ".." + std::to_string(max_rating));
        if (!seen_.insert(*canonical).second) fail(where, "duplicate player '" + *canonical + "'");
        players_.push_back({std::move(*canonical), static_cast<int>(rating)});
    }
    std::vector<Player> finish() {
        if (players_.empty()) fail("", "no players");
        return std::move(players_);
    }
    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw std::runtime_error(source_ + (where.empty() ? "" : ":" + where) + ": " + what);
    }

private:
    std::string source_;
    std::unordered_set<std::string> seen_;
    std::vector<Player> players_;
};

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t\r") - first + 1));
}

std::vector<Player> load_csv(std::istream& in, RosterBuilder& roster) {
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto where = "line " + std::to_string(number);
        if (trim(line).empty() || trim(line).front() == '#') continue;
        const auto comma = line.find(',');
        if (comma == std::string::npos) roster.fail(where, "expected 'name,rating'");
        const auto name = trim(std::string_view(line).substr(0, comma));
        const auto rating_text = trim(std::string_view(line).substr(comma + 1));
        if (number == 1 && name == "name") continue; // header
        long long rating = 0;
        const auto [end, ec] =
            std::from_chars(rating_text.data(), rating_text.data() + rating_text.size(), rating);
        if (ec != std::errc{} || end != rating_text.data() + rating_text.size())
            roster.fail(where, "rating '" + rating_text + "' is not a whole number");
        roster.add(name, rating, where);
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
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
            !entry.contains("rating") || !entry["rating"].is_number_integer())
            roster.fail(where, "expected {\"name\": string, \"rating\": integer}");
        roster.add(entry["name"].get<std::string>(), entry["rating"].get<long long>(), where);
    }
    return roster.finish();
}

} // namespace

std::vector<Player> generate_club(std::size_t count, std::uint64_t seed) {
    // The story's cast, rated as in the Elo worked example of shared/NOTES.md.
    std::vector<Player> club{{"alice", 1613}, {"bob", 1477}, {"charlie", 1388}};
    NormalRatings ratings(seed);
    for (std::size_t i = club.size(); i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "player%05zu", i);
        club.push_back({name, ratings.next(1500.0, 250.0)});
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
