#include "json_shapes.hpp"
#include "reply.hpp"

#include <doctest/doctest.h>

using namespace ranking;

TEST_CASE("a rank answer carries every field the token signs, and reads back") {
    const Standing standing{"alice", 1613, 1629, 5000, 67.26};
    const auto fields = token_fields(standing, 1'795'000'000'000, 1000);
    const RankAnswer answer{standing,          fields.issued_at_ms,
                            fields.iterations, compute_token("s3cret", fields),
                            1.234567,          HashMode::inline_on_loop};
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

TEST_CASE("the cheap lookup has no token; pages and health have their shapes") {
    const auto lookup = standing_json({"bob", 1477, 2714, 5000, 45.64});
    CHECK_FALSE(lookup.contains("token"));
    CHECK(lookup["rank"] == 2714);
    const auto page = leaderboard_json({{1, "ann", 2000}}, 10, 0, 5);
    CHECK(page["entries"][0]["player"] == "ann");
    CHECK(page["players"] == 5);
    CHECK(health_json(HashMode::offload) == nlohmann::json{{"status", "ok"}, {"mode", "offload"}});
}

TEST_CASE("a truncated rank answer is rejected") {
    auto body = rank_answer_json({{"a", 1, 1, 1, 0}, 1, 1, "t", 1, HashMode::offload});
    body.erase("token");
    CHECK_THROWS(parse_rank_answer(body));
}

TEST_CASE("an error body stays valid JSON even when it echoes invalid UTF-8") {
    const auto reply = error_reply(400, "bad name \xff");
    CHECK(nlohmann::json::parse(reply.body)["error"].get<std::string>().find("bad name") == 0);
}
