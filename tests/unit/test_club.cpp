#include "club.hpp"
#include "player_name.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace ranking;

namespace {
std::filesystem::path write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path;
}
} // namespace

TEST_CASE("the generated club is deterministic, has the story's cast and sane ratings") {
    const auto club = generate_club(5000);
    CHECK(club.size() == 5000);
    CHECK(club == generate_club(5000));
    CHECK(club[0].name == "alice");
    CHECK(club[1].name == "bob");
    CHECK(club[2].name == "charlie");
    std::set<std::string> names;
    double sum = 0;
    for (const auto& p : club) {
        names.insert(p.name);
        CHECK(p.rating >= 100);
        CHECK(p.rating <= 2850);
        CHECK(p.rd >= 50); // established players, not newcomers at 350
        CHECK(p.rd <= 150);
        CHECK(p.volatility == 0.06);
        CHECK(p.games == 0);
        sum += p.rating;
    }
    CHECK(names.size() == club.size());
    CHECK(sum / static_cast<double>(club.size()) == doctest::Approx(1500).epsilon(0.02));
    CHECK(generate_club(5000, 7) != club);
}

TEST_CASE("player names: case-insensitive, a closed alphabet, bounded length") {
    CHECK(canonical_player_name("Alice") == "alice");
    CHECK(canonical_player_name("j.doe_2-b") == "j.doe_2-b");
    CHECK_FALSE(canonical_player_name("").has_value());
    CHECK_FALSE(canonical_player_name(std::string(33, 'a')).has_value());
    CHECK(canonical_player_name(std::string(32, 'a')).has_value());
    CHECK_FALSE(canonical_player_name("a b").has_value());
    CHECK_FALSE(canonical_player_name("a/b").has_value());
    CHECK_FALSE(canonical_player_name("\xc3\xa9").has_value());
}

TEST_CASE("CSV roster with header, comments and blank lines") {
    const auto club = load_roster(
        write_temp("roster_ok.csv", "name,rating\n# the founders\nAlice, 1613\n\nbob,1477\n"));
    REQUIRE(club.size() == 2);
    CHECK(club[0].name == "alice");
    CHECK(club[0].rating == 1613);
}

TEST_CASE("JSON roster, bare array or wrapped") {
    CHECK(load_roster(write_temp("r1.json", R"([{"name":"a","rating":1}])")).size() == 1);
    const auto rated = load_roster(write_temp("r3.csv", "name,rating,rd,volatility\n"
                                                        "a,1500.5,80,0.05\nb,1400,120\nc,1300\n"));
    REQUIRE(rated.size() == 3);
    CHECK(rated[0].glicko() == Glicko{1500.5, 80, 0.05});
    CHECK(rated[1].glicko() == Glicko{1400, 120, 0.06});
    CHECK(rated[2].glicko() == Glicko{1300, 350, 0.06});
    const auto json = load_roster(
        write_temp("r4.json", R"([{"name":"a","rating":1500,"rd":70,"volatility":0.07}])"));
    CHECK(json[0].glicko() == Glicko{1500, 70, 0.07});
    CHECK(load_roster(write_temp("r2.json", R"({"players":[{"name":"a","rating":1},
                                                            {"name":"b","rating":2}]})"))
              .size() == 2);
}

TEST_CASE("bad rosters fail with the place and the reason") {
    const auto message = [](const std::filesystem::path& path) {
        try {
            load_roster(path);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(write_temp("bad1.csv", "alice,1613\nalice,1500\n")).find("line 2: duplicate") !=
          std::string::npos);
    CHECK(message(write_temp("bad2.csv", "alice,abc\n")).find("rating 'abc' is not a number") !=
          std::string::npos);
    CHECK(message(write_temp("bad9.csv", "alice,1500,0\n")).find("line 1: rd 0 outside") !=
          std::string::npos);
    CHECK(message(write_temp("bad10.csv", "alice,1500,80,1.5\n")).find("volatility 1.5") !=
          std::string::npos);
    CHECK(message(write_temp("bad11.json", R"([{"name":"a","rating":1,"rd":"x"}])"))
              .find("entry 0") != std::string::npos);
    CHECK(message(write_temp("bad3.csv", "al ice,1500\n")).find("invalid player name") !=
          std::string::npos);
    CHECK(message(write_temp("bad4.csv", "alice,5000\n")).find("outside") != std::string::npos);
    CHECK(message(write_temp("bad5.csv", "")).find("no players") != std::string::npos);
    CHECK(message(write_temp("bad6.json", "{")).find("invalid JSON") != std::string::npos);
    CHECK(message(write_temp("bad7.json", R"([{"name":"a"}])")).find("entry 0") !=
          std::string::npos);
    CHECK(message(write_temp("bad8.txt", "a,1")).find("unknown roster format") !=
          std::string::npos);
    CHECK(message("/nonexistent/roster.csv").find("cannot open") != std::string::npos);
}
