#include "server_scrape.hpp"

#include "load_stream.hpp"

#include <cstdio>

namespace ranking::load {
namespace {

// Late in each second, so a scrape covers most of the second it is keyed by.
constexpr milliseconds scrape_offset{100};
// Short enough that an unanswered scrape never runs into the next one.
constexpr milliseconds scrape_timeout{800};

} // namespace

ServerScraper::ServerScraper(net::any_io_executor executor, HttpEndpoint admin,
                             std::string authorization)
    : executor_(executor), admin_(std::move(admin)), authorization_(std::move(authorization)),
      timer_(std::move(executor)) {
    timeline_.enabled = true;
}

void ServerScraper::stop() {
    stopped_ = true;
    timer_.cancel();
    if (connection_) connection_->close();
}

net::awaitable<error_code> ServerScraper::get_metrics(HttpResponse& response) {
    const bool reused = connection_.has_value();
    if (!reused) {
        connection_.emplace(executor_);
        if (!authorization_.empty()) connection_->set_authorization(authorization_);
        auto connecting = connection_->connect(admin_.host, admin_.port, scrape_timeout);
        if (const auto ec = co_await std::move(connecting)) {
            connection_.reset();
            co_return ec;
        }
    }
    auto requesting =
        connection_->request("GET", "/metrics", std::string{}, scrape_timeout, response);
    const auto ec = co_await std::move(requesting);
    if (ec || !response.keep_alive) connection_.reset();
    // Only a kept-alive connection the server closed since gets a retry: a timeout does not.
    if (reused && stale_connection(ec) && !stopped_) {
        auto retrying = get_metrics(response);
        co_return co_await std::move(retrying);
    }
    co_return ec;
}

net::awaitable<std::optional<ServerSnapshot>> ServerScraper::scrape() {
    HttpResponse response;
    auto getting = get_metrics(response);
    const auto ec = co_await std::move(getting);
    if (stopped_) co_return std::nullopt;
    ++timeline_.scrapes;
    std::string problem;
    if (ec)
        problem = ec.message();
    else if (response.status != 200)
        problem = "answered " + std::to_string(response.status) +
                  (response.status == 401 || response.status == 403 ? " (see --admin-token)" : "");
    if (problem.empty()) co_return read_snapshot(parse_metrics_text(response.body));
    // Said once: the run goes on, those seconds just have no server columns.
    if (timeline_.failed++ == 0)
        std::fprintf(stderr,
                     "ranking-load: GET /metrics on the admin plane: %s; the server's columns "
                     "stay empty where it fails (--no-server-metrics to skip)\n",
                     problem.c_str());
    timeline_.last_error = problem;
    co_return std::nullopt;
}

net::awaitable<void> ServerScraper::run(Clock::time_point start) {
    // A failed scrape leaves its second empty; the next deltas then run from the last good one,
    // so that what the server saw meanwhile (a freeze's lag, observed at its end) still shows.
    std::optional<ServerSnapshot> previous;
    Clock::time_point previous_at{};
    for (std::int64_t k = 0; !stopped_; ++k) {
        timer_.expires_at(start + std::chrono::seconds(k) - scrape_offset);
        auto [ec] = co_await timer_.async_wait(use_nothrow);
        if (ec || stopped_) break;
        const auto sent_at = Clock::now();
        const auto second = std::chrono::floor<std::chrono::seconds>(sent_at - start).count();
        auto scraping = scrape();
        auto snapshot = co_await std::move(scraping);
        if (stopped_) break;
        if (!snapshot) continue;
        if (second >= 0) {
            const double wall = std::chrono::duration<double>(sent_at - previous_at).count();
            if (timeline_.seconds.size() <= static_cast<std::size_t>(second))
                timeline_.seconds.resize(static_cast<std::size_t>(second) + 1);
            timeline_.seconds[static_cast<std::size_t>(second)] =
                server_second(previous ? &*previous : nullptr, *snapshot, wall);
        }
        previous = std::move(snapshot);
        previous_at = sent_at;
    }
}

} // namespace ranking::load
