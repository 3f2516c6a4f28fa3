#include "unix_time.hpp"
#include "data_api.hpp"
#include "json_shapes.hpp"
#include "json_writer.hpp"
#include "player_name.hpp"
#include "reply.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace ranking;

TEST_CASE("a rank answer carries every field the token signs, and reads back") {
    const Standing standing{"alice", 1613, 1629, 5000, 67.26, {1613.2, 60, 0.06}, 4};
    const auto fields = token_fields(standing, 1'795'000'000'000, 1000);
    const RankAnswer answer{standing,          fields.issued_at_ms,
                            fields.iterations, compute_token("s3cret", fields),
                            1.234567,          WorkPlacement::inline_on_loop};
    const auto body = rank_answer_json(answer);
    for (const char* key : {"player", "rating", "rank", "players", "percentile", "issued_at",
                            "hash_iterations", "token", "hash_ms", "mode"})
        CHECK(body.contains(key));
    CHECK(body["mode"] == "inline");
    CHECK(body["hash_ms"].get<double>() == doctest::Approx(1.235));

    // What a verifier holding the secret does: parse the text, recompute, compare.
    const auto back = parse_rank_answer(nlohmann::json::parse(body.dump()));
    CHECK(compute_token("s3cret", token_fields(back.standing, back.issued_at_ms,
                                               back.iterations)) == answer.token);
}

TEST_CASE("the cheap lookup has no token, pages and health have their shapes") {
    const auto lookup = standing_json({"bob", 1477, 2714, 5000, 45.64, {}, 0});
    CHECK_FALSE(lookup.contains("token"));
    CHECK(lookup["rank"] == 2714);
    const auto page = leaderboard_json({{1, "ann", 2000}}, 10, 0, 5, "club");
    CHECK(page["population"] == "club");
    CHECK(page["entries"][0]["player"] == "ann");
    CHECK(page["players"] == 5);
    CHECK(health_json(WorkPlacement::offload) ==
          nlohmann::json{{"status", "ok"}, {"mode", "offload"}});
}

TEST_CASE("the hot path's lookup and health bodies read back as nlohmann's, exactly") {
    std::string out = "left over from the last request";
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> rating(100, 3000), rd(30, 350), volatility(0.03, 0.09);
    for (int i = 0; i < 2000; ++i) {
        const Glicko glicko{rating(random), rd(random), volatility(random)};
        const int rounded = static_cast<int>(std::lround(glicko.rating));
        const double percentile = std::round(rating(random) / 30.0 * 100.0) / 100.0;
        const Standing standing{
            "player" + std::to_string(i), rounded, i + 1, 5000, percentile, glicko, i % 7};
        write_standing_json(standing, out);
        // Same value, every double exact; the text may differ in a last digit, as nlohmann's
        // Grisu2 is not always the shortest form (345.26000577129207 against 345.2600057712921).
        REQUIRE(nlohmann::json::parse(out) == standing_json(standing));
    }
    // Short values give the very same bytes; whole numbers are still written as doubles.
    const Standing fresh{"alice", 1500, 1, 1, 0.0, {1500, 350, 0.06}, 0};
    write_standing_json(fresh, out);
    CHECK(out == standing_json(fresh).dump());
    CHECK(out.find("\"rating\":1500.0") != std::string::npos);
    for (const auto mode : {WorkPlacement::offload, WorkPlacement::inline_on_loop}) {
        write_health_json(mode, out);
        CHECK(out == health_json(mode).dump());
    }
}

TEST_CASE("the JSON writer escapes strings and writes non-finite numbers as null") {
    std::string out;
    JsonWriter(out)
        .begin_object()
        .key("quote\"back\\slash")
        .value("tab\tnew\nline\x01")
        .key("nan")
        .value(std::numeric_limits<double>::quiet_NaN())
        .key("n")
        .value(-42)
        .end_object();
    const auto parsed = nlohmann::json::parse(out);
    CHECK(parsed["quote\"back\\slash"] == "tab\tnew\nline\x01");
    CHECK(parsed["nan"].is_null());
    CHECK(parsed["n"] == -42);
}

TEST_CASE("a truncated rank answer is rejected") {
    auto body = rank_answer_json({{"a", 1, 1, 1, 0, {}, 0}, 1, 1, "t", 1, WorkPlacement::offload});
    body.erase("token");
    CHECK_THROWS(parse_rank_answer(body));
}

TEST_CASE("an error body stays valid JSON even when it echoes invalid UTF-8") {
    const auto reply = error_reply(400, "bad name \xff");
    CHECK(nlohmann::json::parse(reply.body)["error"].get<std::string>().find("bad name") == 0);
}

TEST_CASE("a lookup carries the full Glicko values and the game count") {
    const auto lookup = standing_json({"alice", 1613, 12, 5000, 67.26, {1613.25, 61.5, 0.0599}, 4});
    CHECK(lookup["rating"] == 1613);
    CHECK(lookup["glicko"]["rating"].get<double>() == 1613.25);
    CHECK(lookup["glicko"]["rd"].get<double>() == 61.5);
    CHECK(lookup["glicko"]["volatility"].get<double>() == 0.0599);
    CHECK(lookup["games"] == 4);
    CHECK(lookup["provisional"] == false);
}

TEST_CASE("a rating is provisional while its RD is 110 or more, in both writers") {
    for (const auto& [rd, provisional] : {std::pair{350.0, true}, std::pair{110.0, true},
                                          std::pair{109.9, false}, std::pair{45.0, false}}) {
        CAPTURE(rd);
        const Standing standing{"bob", 1500, 1, 3, 50.0, {1500, rd, 0.06}, 1};
        CHECK(standing_json(standing)["provisional"] == provisional);
        std::string out;
        write_standing_json(standing, out);
        CHECK(nlohmann::json::parse(out)["provisional"] == provisional);
    }
}

TEST_CASE("a stored game has the documented shape and reads back unchanged") {
    const StoredGame game{"club-2026:r1.b3",
                          42,
                          GameResult::draw,
                          1'795'000'000'000,
                          {"alice", {1613, 60, 0.06}, {1610.5, 59.1, 0.059999}, 17, 8},
                          {"bob", {1477, 90, 0.06}, {1484.25, 87.2, 0.059998}, 700, 3}};
    const auto body = game_json(game);
    for (const char* key : {"id", "seq", "result", "played_at", "white", "black"})
        CHECK(body.contains(key));
    for (const char* key : {"player", "before", "after", "rank", "games"})
        CHECK(body["white"].contains(key));
    CHECK(body["result"] == "1/2-1/2");
    CHECK(body["white"]["after"]["rd"].get<double>() == 59.1);
    CHECK(parse_game(nlohmann::json::parse(body.dump())) == game);
    std::string written;
    write_game_json(game, written);
    CHECK(written == body.dump());

    std::string page_text;
    write_games_page_json({game, game}, 42, page_text);
    const auto page = nlohmann::json::parse(page_text);
    CHECK(page["games"].size() == 2);
    CHECK(page["games"][1] == body);
    CHECK(page["next"] == 42);
    write_games_page_json({}, std::nullopt, page_text);
    CHECK(nlohmann::json::parse(page_text) ==
          nlohmann::json{{"games", nlohmann::json::array()}, {"next", nullptr}});
}

TEST_CASE("a submission written by a client reads back as the same submission") {
    const auto reads_back = [](const GameSubmission& game) {
        const auto parsed = parse_game_submission(game_submission_json(game).dump(), unix_ms_now());
        REQUIRE(std::holds_alternative<GameSubmission>(parsed));
        CHECK(std::get<GameSubmission>(parsed) == game);
    };
    reads_back({"load-1-2-3", "alice", "bob", GameResult::white_wins, std::nullopt});
    reads_back({"g.7", "charlie", "alice", GameResult::draw, 1'795'000'000'000});
    CHECK_FALSE(game_submission_json({"g", "a", "b", GameResult::draw, {}}).contains("played_at"));
}

TEST_CASE("a page's bound holds for games at their widest, so its buffer is never regrown") {
    constexpr Glicko wide{-1.2345678901234567e-300, -9.8765432109876543e+300, -0.1234567890123456};
    const GameSide white{std::string(max_name_length, 'w'), wide, wide, -2'000'000'000,
                         -2'000'000'000};
    GameSide black = white;
    black.player = std::string(max_name_length, 'b');
    const StoredGame widest{std::string(max_game_id_length, 'i'),
                            std::numeric_limits<std::int64_t>::min(),
                            GameResult::draw,
                            std::numeric_limits<std::int64_t>::min(),
                            white,
                            black};
    const std::vector<StoredGame> page(100, widest);
    std::string text;
    write_games_page_json(page, std::numeric_limits<std::int64_t>::min(), text);
    CHECK(text.size() <= games_page_json_bound(page));
    CHECK(games_page_json_bound(page) <= games_page_json_bound(page.size()));
    // The bound is tight enough to be worth its name: within a tenth of the widest page.
    CHECK(games_page_json_bound(page) < text.size() + text.size() / 10);
    const std::vector<StoredGame> short_names(100, StoredGame{"g", 1, GameResult::draw, 0, {}, {}});
    CHECK(games_page_json_bound(short_names) < games_page_json_bound(page));
}
