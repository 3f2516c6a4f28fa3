#include "federation_rating.hpp"

#include <nlohmann/json.hpp>

namespace ranking {

std::variant<FederationRating, std::string> parse_federation_rating(std::string_view body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) return std::string("not JSON");
    if (!json.is_object()) return std::string("not a JSON object");
    FederationRating rating;
    const auto number = json.find("rating");
    if (number == json.end() || !number->is_number()) return std::string("no number 'rating'");
    rating.rating = number->get<double>();
    if (const auto it = json.find("federation"); it != json.end()) {
        if (!it->is_string()) return std::string("'federation' is not a string");
        rating.federation = it->get<std::string>();
    }
    if (const auto it = json.find("title"); it != json.end() && !it->is_null()) {
        if (!it->is_string()) return std::string("'title' is neither a string nor null");
        rating.title = it->get<std::string>();
    }
    return rating;
}

Reply federation_reply(std::string_view player, const FederationRating& rating, bool cached,
                       std::int64_t fetched_unix_ms, std::string_view fetched_by) {
    return json_reply(200, {{"player", player},
                            {"federation", rating.federation},
                            {"rating", rating.rating},
                            {"title", rating.title ? nlohmann::json(*rating.title) : nullptr},
                            {"cached", cached},
                            {"fetched_unix_ms", fetched_unix_ms},
                            {"fetched_by", fetched_by}});
}

std::variant<FederationRating, Reply> read_federation_answer(const ServiceAnswer& answer,
                                                             std::string_view player,
                                                             std::string_view service,
                                                             std::chrono::milliseconds timeout) {
    const auto at = [&] { return "the federation's rating service at " + std::string(service); };
    switch (answer.failure) {
    case CallFailure::timeout:
        return error_reply(504, at() + " did not answer within " + std::to_string(timeout.count()) +
                                    " ms (" + answer.detail + ")");
    case CallFailure::unreachable:
        return error_reply(502, at() + " is unreachable: " + answer.detail);
    case CallFailure::broken:
        return error_reply(502, at() + " broke off its answer: " + answer.detail);
    case CallFailure::too_large:
        return error_reply(502, at() + " answered more than a rating: " + answer.detail);
    case CallFailure::none:
        break;
    }
    if (answer.status == 404)
        return error_reply(404, at() + " has no rating for '" + std::string(player) + "'");
    if (answer.status != 200)
        return error_reply(502, at() + " answered " + std::to_string(answer.status));
    auto parsed = parse_federation_rating(answer.body);
    if (auto* rating = std::get_if<FederationRating>(&parsed)) return std::move(*rating);
    return error_reply(502, at() + " answered something that is not a rating (" +
                                std::get<std::string>(parsed) + ")");
}

} // namespace ranking
