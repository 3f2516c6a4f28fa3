#pragma once
// Talking to the server outside the load: the club's names before the run, the admin plane's
// mode before and during it.
#include "http_url.hpp"
#include "net.hpp"
#include "run_plan.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ranking::load {

struct Club {
    std::vector<std::string> names; // the first pages of the leaderboard
    std::size_t size = 0;           // the whole club
};

// Pages through GET /leaderboard; throws std::runtime_error saying why when the server does not
// answer as ranking-server does.
net::awaitable<Club> fetch_club(HttpEndpoint server, std::size_t max_names, milliseconds timeout);

// The admin plane's Authorization header: "Bearer TOKEN", or empty for no token.
std::string bearer(const std::string& token);

// GET /mode on the admin plane: the mode, or why there is none.
struct ModeReading {
    std::optional<std::string> mode;
    std::string problem;
};
net::awaitable<ModeReading> current_mode(HttpEndpoint admin, std::string authorization,
                                         milliseconds timeout);

// One toggle as it happened: PUT /mode answered 200 at `applied_at` (from the start), or not.
struct ToggleMark {
    Toggle planned;
    std::optional<nanoseconds> applied_at;
    std::string detail; // the error when it failed
};

// Applies each toggle at its time; fills `marks` (which must outlive the coroutine) in order.
net::awaitable<void> apply_toggles(HttpEndpoint admin, std::string authorization,
                                   std::vector<Toggle> toggles, Clock::time_point start,
                                   milliseconds timeout, std::vector<ToggleMark>& marks);

} // namespace ranking::load
