#pragma once
// The server's view during the run: GET /metrics on the admin plane once a second, on one
// keep-alive connection, from the control thread; each scrape keyed by the second it was sent in.
#include "client_connection.hpp"
#include "http_url.hpp"
#include "run_plan.hpp"
#include "server_view.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ranking::load {

struct ServerTimeline {
    bool enabled = false;
    std::vector<std::optional<ServerSecond>> seconds; // by wall second since the start
    std::uint64_t scrapes = 0;
    std::uint64_t failed = 0;
    std::string last_error; // of the last failed scrape
};

class ServerScraper {
public:
    // `authorization`: the Authorization header's value, empty for none.
    ServerScraper(net::any_io_executor executor, HttpEndpoint admin, std::string authorization);

    // A baseline just before `start`, then one scrape a second until stop().
    net::awaitable<void> run(Clock::time_point start);

    // On the executor's thread: the run is over; an unanswered scrape is abandoned.
    void stop();

    const ServerTimeline& timeline() const noexcept { return timeline_; }

private:
    net::awaitable<std::optional<ServerSnapshot>> scrape();
    net::awaitable<error_code> get_metrics(HttpResponse& response);

    net::any_io_executor executor_;
    HttpEndpoint admin_;
    std::string authorization_;
    net::steady_timer timer_;
    std::optional<ClientConnection> connection_; // open while it stays kept alive
    bool stopped_ = false;
    ServerTimeline timeline_;
};

} // namespace ranking::load
