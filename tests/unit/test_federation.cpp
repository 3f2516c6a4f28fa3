// The federation look-up's domain: the service's answer read, every failure's status, the cache.
#include "data_api.hpp"
#include "federation_cache.hpp"
#include "federation_rating.hpp"
#include "http_url.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace ranking;
using namespace std::chrono_literals;

TEST_CASE("GET /players/{name}/federation is parsed, its name checked, other methods refused") {
    const auto parsed = parse_data_request("GET", "/players/Alice/federation");
    REQUIRE(std::holds_alternative<FederationRequest>(parsed));
    CHECK(std::get<FederationRequest>(parsed).player == "alice");
    CHECK(route_name(route_of(parsed)) == "/players/{name}/federation");
    CHECK(std::get<Reply>(parse_data_request("GET", "/players/a%20b/federation")).status == 400);
    CHECK(std::get<Reply>(parse_data_request("POST", "/players/alice/federation")).status == 405);
}

TEST_CASE("a rating service's answer: a rating, or what is wrong with it") {
    const auto ok = parse_federation_rating(
        R"({"name":"alice","federation":"FIDE","rating":2012,"title":null})");
    REQUIRE(std::holds_alternative<FederationRating>(ok));
    CHECK(std::get<FederationRating>(ok).rating == 2012);
    CHECK(std::get<FederationRating>(ok).federation == "FIDE");
    CHECK_FALSE(std::get<FederationRating>(ok).title);
    CHECK(std::get<FederationRating>(parse_federation_rating(R"({"rating":2500,"title":"GM"})"))
              .title == "GM");
    for (const auto* garbage : {"<html>maintenance</html>", "[1,2]", R"({"rating":"2012"})",
                                R"({"elo":2012})", R"({"rating":2012,"title":7})", ""})
        CHECK(std::holds_alternative<std::string>(parse_federation_rating(garbage)));
}

TEST_CASE("each way a call can fail has its status and names the service") {
    const auto status = [](ServiceAnswer answer) {
        const auto reply = std::get<Reply>(
            read_federation_answer(answer, "alice", "http://127.0.0.1:9/ratings", 2000ms));
        CHECK(nlohmann::json::parse(reply.body)["error"].get<std::string>().find(
                  "http://127.0.0.1:9/ratings") != std::string::npos);
        return reply.status;
    };
    CHECK(status({CallFailure::timeout, 0, {}, "timed out"}) == 504);
    CHECK(status({CallFailure::unreachable, 0, {}, "refused"}) == 502);
    CHECK(status({CallFailure::broken, 0, {}, "reset"}) == 502);
    CHECK(status({CallFailure::too_large, 0, {}, "body limit"}) == 502);
    CHECK(status({CallFailure::none, 500, "{}", {}}) == 502);
    CHECK(status({CallFailure::none, 404, "{}", {}}) == 404);
    CHECK(status({CallFailure::none, 200, "not json", {}}) == 502);
}

TEST_CASE("the cache answers within its time to live, and keeps nothing with none") {
    using Clock = FederationCache::Clock;
    const auto now = Clock::now();
    FederationCache cache(300s);
    CHECK(cache.find("alice", now) == nullptr);
    cache.keep("alice", {{"FIDE", 2012, {}}, 1, now, "async"});
    REQUIRE(cache.find("alice", now + 299s) != nullptr);
    CHECK(cache.find("alice", now + 299s)->rating.rating == 2012);
    CHECK(cache.find("alice", now + 300s) == nullptr);
    FederationCache none(0s);
    none.keep("alice", {{"FIDE", 2012, {}}, 1, now, "async"});
    CHECK(none.find("alice", now) == nullptr);
}

TEST_CASE("a service's base URL keeps its path") {
    const auto url = parse_service_url("http://127.0.0.1:9100/ratings/");
    REQUIRE(url);
    CHECK(url->endpoint.host == "127.0.0.1");
    CHECK(url->endpoint.port == "9100");
    CHECK(url->path == "/ratings");
    CHECK(parse_service_url("http://localhost")->path.empty());
    CHECK_FALSE(parse_service_url("https://x/ratings"));
    CHECK_FALSE(parse_service_url("http://x/ratings?key=1"));
    CHECK_FALSE(parse_service_url("http://user@x/ratings"));
}
