#include "admin_api.hpp"
#include "data_api.hpp"
#include "http_url.hpp"
#include "mode.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace ranking;

namespace {
Reply error_of(const DataRequest& request) {
    REQUIRE(std::holds_alternative<Reply>(request));
    return std::get<Reply>(request);
}
std::string message_of(const Reply& reply) {
    return nlohmann::json::parse(reply.body).at("error").get<std::string>();
}
} // namespace

TEST_CASE("routes of the data plane") {
    CHECK(std::get<RankRequest>(parse_data_request("GET", "/rank/alice")).player == "alice");
    CHECK(std::get<RankRequest>(parse_data_request("GET", "/rank/Alice?x=1")).player == "alice");
    CHECK(std::get<PlayerRequest>(parse_data_request("GET", "/players/bob")).player == "bob");
    CHECK(std::get<PlayerRequest>(parse_data_request("GET", "/players/%62ob")).player == "bob");
    CHECK(std::holds_alternative<HealthRequest>(parse_data_request("GET", "/healthz")));
    const auto page = std::get<LeaderboardRequest>(parse_data_request("GET", "/leaderboard"));
    CHECK(page.limit == 10);
    CHECK(page.offset == 0);
    const auto page2 =
        std::get<LeaderboardRequest>(parse_data_request("GET", "/leaderboard?offset=20&limit=100"));
    CHECK(page2.limit == 100);
    CHECK(page2.offset == 20);
}

TEST_CASE("unknown paths are 404, whatever the method") {
    for (const char* target :
         {"/", "/rank", "/rank/", "/rank/a/b", "/players", "/nope", "/healthz/x"}) {
        CAPTURE(target);
        const auto reply = error_of(parse_data_request("GET", target));
        CHECK(reply.status == (std::string_view(target) == "/rank/" ? 400 : 404));
    }
    CHECK(error_of(parse_data_request("DELETE", "/nope")).status == 404);
}

TEST_CASE("a known path with the wrong method is 405 with Allow") {
    for (const char* method : {"POST", "PUT", "DELETE", "HEAD"}) {
        const auto reply = error_of(parse_data_request(method, "/rank/alice"));
        CHECK(reply.status == 405);
        CHECK(reply.allow == "GET");
    }
}

TEST_CASE("bad names and bad targets are 400 with a JSON error") {
    CHECK(error_of(parse_data_request("GET", "/rank/a%20b")).status == 400);
    CHECK(error_of(parse_data_request("GET", "/rank/a%2Fb")).status == 400);
    CHECK(error_of(parse_data_request("GET", "/rank/%zz")).status == 400);
    CHECK(error_of(parse_data_request("GET", "/rank/%C3%A9")).status == 400);
    CHECK(error_of(parse_data_request("GET", "/players/" + std::string(33, 'a'))).status == 400);
    CHECK(message_of(error_of(parse_data_request("GET", "/rank/a%20b")))
              .find("invalid player name") != std::string::npos);
}

TEST_CASE("leaderboard query values are checked") {
    for (const char* target :
         {"/leaderboard?limit=0", "/leaderboard?limit=101", "/leaderboard?limit=-1",
          "/leaderboard?limit=abc", "/leaderboard?limit=", "/leaderboard?offset=1000001",
          "/leaderboard?offset=99999999999999999999999", "/leaderboard?limit=1&limit=2",
          "/leaderboard?sort=asc"}) {
        CAPTURE(target);
        CHECK(error_of(parse_data_request("GET", target)).status == 400);
    }
    CHECK(message_of(error_of(parse_data_request("GET", "/leaderboard?sort=asc")))
              .find("unknown query parameter 'sort'") != std::string::npos);
}

TEST_CASE("head to head: two names folded, a page of ids, 400 for the same player or a bad page") {
    const auto vs =
        std::get<HeadToHeadRequest>(parse_data_request("GET", "/players/Alice/vs/%62ob"));
    CHECK(vs.player == "alice");
    CHECK(vs.opponent == "bob");
    CHECK(vs.limit == 100);
    CHECK_FALSE(vs.before);
    CHECK(route_of(vs) == Route::head_to_head);
    const auto page = std::get<HeadToHeadRequest>(
        parse_data_request("GET", "/players/bob/vs/alice?limit=1000&before=42"));
    CHECK(page.player == "bob");
    CHECK(page.opponent == "alice");
    CHECK(page.limit == 1000);
    CHECK(page.before == 42);
    CHECK(std::get<HeadToHeadRequest>(parse_data_request("GET", "/players/a/vs/b?limit=1")).limit ==
          1);

    CHECK(message_of(error_of(parse_data_request("GET", "/players/alice/vs/ALICE")))
              .find("themself") != std::string::npos);
    CHECK(message_of(error_of(parse_data_request("GET", "/players/alice/vs/bob?limit=0"))) ==
          "limit must be a whole number from 1 to 1000");
    for (const char* target :
         {"/players/alice/vs/alice", "/players/alice/vs/a%20b", "/players/a!/vs/bob",
          "/players/alice/vs/bob?limit=1001", "/players/alice/vs/bob?limit=x",
          "/players/alice/vs/bob?limit=", "/players/alice/vs/bob?before=0",
          "/players/alice/vs/bob?before=-1", "/players/alice/vs/bob?limit=1&limit=2",
          "/players/alice/vs/bob?after=3"}) {
        CAPTURE(target);
        CHECK(error_of(parse_data_request("GET", target)).status == 400);
    }
    CHECK(error_of(parse_data_request("GET", "/players/alice/vs/bob/games")).status == 404);
    const auto posted = error_of(parse_data_request("POST", "/players/alice/vs/bob"));
    CHECK(posted.status == 405);
    CHECK(posted.allow == "GET");
}

TEST_CASE("modes parse strictly") {
    CHECK(parse_mode("inline") == WorkPlacement::inline_on_loop);
    CHECK(parse_mode(" offload\n") == WorkPlacement::offload);
    CHECK_FALSE(parse_mode("blocking").has_value());
    CHECK_FALSE(parse_mode("").has_value());
    CHECK(to_string(WorkPlacement::inline_on_loop) == "inline");
}

TEST_CASE("admin plane: read and flip the mode") {
    std::atomic<WorkPlacement> mode{WorkPlacement::offload};
    CHECK(nlohmann::json::parse(answer_admin_request("GET", "/mode", "", mode).body)["mode"] ==
          "offload");
    const auto flipped = answer_admin_request("PUT", "/mode", "inline", mode);
    CHECK(flipped.status == 200);
    CHECK(mode.load() == WorkPlacement::inline_on_loop);
    CHECK(nlohmann::json::parse(flipped.body)["previous"] == "offload");
    CHECK(answer_admin_request("PUT", "/mode", "fast", mode).status == 400);
    CHECK(mode.load() == WorkPlacement::inline_on_loop);
    const auto not_allowed = answer_admin_request("POST", "/mode", "inline", mode);
    CHECK(not_allowed.status == 405);
    CHECK(not_allowed.allow == "GET, PUT");
    CHECK(nlohmann::json::parse(answer_admin_request("GET", "/healthz", "", mode).body)["mode"] ==
          "inline");
    CHECK(answer_admin_request("GET", "/nope", "", mode).status == 404);
}

TEST_CASE("http URLs of the command lines") {
    const auto url = parse_http_url("http://127.0.0.1:8080");
    REQUIRE(url);
    CHECK(url->host == "127.0.0.1");
    CHECK(url->port == "8080");
    CHECK(parse_http_url("http://localhost/")->port == "80");
    CHECK(parse_http_url("http://[::1]:9000")->host == "::1");
    CHECK_FALSE(parse_http_url("https://x:1").has_value());
    CHECK_FALSE(parse_http_url("127.0.0.1:8080").has_value());
    CHECK_FALSE(parse_http_url("http://x:1/path").has_value());
    CHECK_FALSE(parse_http_url("http://:80").has_value());
}
