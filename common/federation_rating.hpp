#pragma once
// A player's rating at a chess federation, as the federation's rating service tells it, and what
// the data plane answers with it or without it. Transport-free: the clients (net/) bring what a
// call came to as a ServiceAnswer; this decides the reply.
#include "reply.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ranking {

struct FederationRating {
    std::string federation; // "FIDE", a national federation's code
    double rating = 0;
    std::optional<std::string> title; // "GM", "IM", ...; null when none
};

// What one call to an HTTP service came to: an answer (any status), or why there is none.
enum class CallFailure {
    none,
    unreachable, // no connection (refused, no route, the name does not resolve)
    timeout,     // no whole answer by the deadline
    broken,      // the connection failed mid-answer, or the answer is not HTTP
    too_large,   // the body passed the limit the client set
};
struct ServiceAnswer {
    CallFailure failure = CallFailure::none;
    int status = 0;     // when failure is none
    std::string body;   // when failure is none
    std::string detail; // the transport's own words on a failure
};

// A 200's body: a JSON object with a number "rating" (the service's "federation", a string, and
// "title", a string or null, when present); or what is wrong with it.
std::variant<FederationRating, std::string> parse_federation_rating(std::string_view body);

// The data plane's answer with a rating: {"player", "federation", "rating", "title", "cached",
// "fetched_unix_ms", "fetched_by"} (fetched_by: async, thread or inline).
Reply federation_reply(std::string_view player, const FederationRating& rating, bool cached,
                       std::int64_t fetched_unix_ms, std::string_view fetched_by);

// What a call came to: the rating of a 200, or the data plane's answer to a call that brought
// none: 504 for a timeout, 404 when the service knows no such player, 502 for the rest
// (unreachable, broken, too large, another status, a body that is no rating), each with a JSON
// error naming the service. The body is read once.
std::variant<FederationRating, Reply> read_federation_answer(const ServiceAnswer& answer,
                                                             std::string_view player,
                                                             std::string_view service,
                                                             std::chrono::milliseconds timeout);

} // namespace ranking
