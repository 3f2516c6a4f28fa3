#include "fetch.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <exception>

namespace ranking {

net::awaitable<FetchResult> fetch_on(ClientConnection& connection, FetchPlan plan) {
    FetchResult result;
    if (!plan.authorization.empty()) connection.set_authorization(plan.authorization);
    result.sent = Clock::now();
    auto exchange = connection.request(plan.method, plan.target, std::move(plan.body), plan.timeout,
                                       result.response, plan.content_type);
    result.error = co_await std::move(exchange);
    result.answered = Clock::now();
    if (result.error) result.failed_step = "request";
    co_return result;
}

net::awaitable<FetchResult> fetch(HttpEndpoint endpoint, FetchPlan plan) {
    ClientConnection connection(co_await net::this_coro::executor);
    auto connecting = connection.connect(endpoint.host, endpoint.port, plan.timeout);
    if (const auto ec = co_await std::move(connecting)) {
        FetchResult failed;
        failed.error = ec;
        failed.failed_step = "connect";
        failed.sent = failed.answered = Clock::now();
        co_return failed;
    }
    auto exchange = fetch_on(connection, std::move(plan));
    auto result = co_await std::move(exchange);
    connection.close();
    co_return result;
}

std::string bearer_from_environment(const char* variable) {
    const char* token = std::getenv(variable);
    return token && *token ? "Bearer " + std::string(token) : std::string();
}

std::string describe_failure(const HttpEndpoint& endpoint, const FetchResult& result) {
    return "cannot reach http://" + endpoint.host + ":" + endpoint.port + " (" +
           result.failed_step + ": " + result.error.message() + ")";
}

std::string error_text(const HttpResponse& response) {
    try {
        return nlohmann::json::parse(response.body).at("error").get<std::string>();
    } catch (const std::exception&) {
        return response.body;
    }
}

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

} // namespace ranking
