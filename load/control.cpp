#include "control.hpp"

#include "client_connection.hpp"

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace ranking::load {
namespace {

struct Answer {
    error_code error;
    std::string failed_step;
    HttpResponse response;
};

// One request on its own short-lived connection: these are a handful per run.
net::awaitable<Answer> ask(HttpEndpoint where, std::string authorization, std::string method,
                           std::string target, std::string body, milliseconds timeout) {
    ClientConnection connection(co_await net::this_coro::executor);
    if (!authorization.empty()) connection.set_authorization(std::move(authorization));
    Answer answer;
    auto connecting = connection.connect(where.host, where.port, timeout);
    answer.error = co_await std::move(connecting);
    if (answer.error) {
        answer.failed_step = "connect";
        co_return answer;
    }
    auto requesting = connection.request(method, target, std::move(body), timeout, answer.response);
    answer.error = co_await std::move(requesting);
    if (answer.error) answer.failed_step = method + " " + target;
    connection.close();
    co_return answer;
}

std::string url_of(const HttpEndpoint& where) {
    return "http://" + where.host + ":" + where.port;
}

std::string status_problem(const std::string& request, int status) {
    const bool refused = status == 401 || status == 403;
    return request + " answered " + std::to_string(status) +
           (refused ? " (see --admin-token)" : "");
}

} // namespace

net::awaitable<Club> fetch_club(HttpEndpoint server, std::size_t max_names, milliseconds timeout) {
    constexpr std::size_t page = 100;
    Club club;
    while (club.names.size() < max_names) {
        const std::string target = "/leaderboard?limit=" + std::to_string(page) +
                                   "&offset=" + std::to_string(club.names.size());
        auto asking = ask(server, std::string{}, "GET", target, std::string{}, timeout);
        const Answer answer = co_await std::move(asking);
        if (answer.error)
            throw std::runtime_error("cannot reach " + url_of(server) + " (" + answer.failed_step +
                                     ": " + answer.error.message() +
                                     "): is ranking-server running?");
        if (answer.response.status != 200)
            throw std::runtime_error(url_of(server) + target + " answered " +
                                     std::to_string(answer.response.status) +
                                     ": is this a ranking-server?");
        const auto body = nlohmann::json::parse(answer.response.body, nullptr, false);
        if (body.is_discarded() || !body.contains("entries") || !body.contains("players"))
            throw std::runtime_error(url_of(server) + target +
                                     " is not a ranking-server leaderboard");
        club.size = body.at("players").get<std::size_t>();
        const auto& entries = body.at("entries");
        for (const auto& entry : entries)
            if (club.names.size() < max_names)
                club.names.push_back(entry.at("player").get<std::string>());
        if (entries.size() < page || club.names.size() >= club.size) break;
    }
    if (club.names.empty()) throw std::runtime_error(url_of(server) + " has an empty club");
    co_return club;
}

std::string bearer(const std::string& token) {
    return token.empty() ? std::string{} : "Bearer " + token;
}

net::awaitable<ModeReading> current_mode(HttpEndpoint admin, std::string authorization,
                                         milliseconds timeout) {
    auto asking = ask(admin, std::move(authorization), "GET", "/mode", std::string{}, timeout);
    const Answer answer = co_await std::move(asking);
    if (answer.error) co_return ModeReading{{}, answer.failed_step + ": " + answer.error.message()};
    if (answer.response.status != 200)
        co_return ModeReading{{}, status_problem("GET /mode", answer.response.status)};
    const auto body = nlohmann::json::parse(answer.response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("mode") || !body.at("mode").is_string())
        co_return ModeReading{{}, "GET /mode did not answer {\"mode\": ...}"};
    co_return ModeReading{body.at("mode").get<std::string>(), {}};
}

net::awaitable<void> apply_toggles(HttpEndpoint admin, std::string authorization,
                                   std::vector<Toggle> toggles, Clock::time_point start,
                                   milliseconds timeout, std::vector<ToggleMark>& marks) {
    net::steady_timer timer(co_await net::this_coro::executor);
    for (const auto& toggle : toggles) {
        timer.expires_at(start + toggle.at);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        (void)ec;
        auto asking =
            ask(admin, authorization, "PUT", "/mode", std::string(to_string(toggle.mode)), timeout);
        const Answer answer = co_await std::move(asking);
        ToggleMark mark{toggle, std::nullopt, {}};
        if (answer.error)
            mark.detail = answer.failed_step + ": " + answer.error.message();
        else if (answer.response.status != 200)
            mark.detail = status_problem("PUT /mode", answer.response.status);
        else
            mark.applied_at = Clock::now() - start;
        marks.push_back(std::move(mark));
    }
}

} // namespace ranking::load
