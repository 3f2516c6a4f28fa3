// --max-pages-in-flight: a page of games past the limit is refused at once, and the slot comes
// back when a page is answered. Driven by hand on one io_context against a store whose pages
// wait until the test lets them go, so "while the first page is away" is a fact, not a timing.
#include "data_routes.hpp"
#include "data_routes_fixture.hpp"
#include "json_shapes.hpp"

#include "club.hpp"
#include "game_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <optional>

using namespace ranking;

namespace {

// Every page waits on one timer that never expires by itself until release(); from then on
// pages answer at once (with no games).
class HeldPagesStore final : public GameStore {
public:
    explicit HeldPagesStore(net::io_context& loop)
        : gate_(loop, net::steady_timer::time_point::max()) {}

    void release() {
        released_ = true;
        gate_.cancel();
    }
    int pages_asked() const { return pages_asked_; }

    net::awaitable<RecordOutcome> record(GameSubmission, WorkPlacement) override {
        co_return RecordOutcome{};
    }
    net::awaitable<GamesRead> find(std::string, WorkPlacement) override { co_return GamesRead{}; }
    net::awaitable<GamesRead> player_games(std::string, std::size_t, std::optional<std::int64_t>,
                                           WorkPlacement) override {
        return held_page();
    }
    net::awaitable<GamesRead> games_after(std::int64_t, std::size_t, WorkPlacement) override {
        return held_page();
    }
    net::awaitable<GamesRead> games_between(std::string, std::string, std::size_t,
                                            std::optional<std::int64_t>, WorkPlacement) override {
        return held_page();
    }
    const std::vector<Player>& players_at_open() const override { return players_; }

private:
    net::awaitable<GamesRead> held_page() {
        ++pages_asked_;
        boost::system::error_code ignored;
        if (!released_) co_await gate_.async_wait(net::redirect_error(net::use_awaitable, ignored));
        co_return GamesRead{};
    }

    net::steady_timer gate_;
    int pages_asked_ = 0;
    bool released_ = false;
    std::vector<Player> players_ = generate_club(10);
};

struct Routes {
    net::io_context loop;
    HeldPagesStore store{loop};
    testing::DataRoutesFixture fixture{store, WorkPlacement::offload, 1}; // one page at a time
    LoadLevels& levels = fixture.levels;

    // Starts a GET; its answer lands in `into` once the loop gets that far.
    void get(std::string target, std::optional<Reply>& into) {
        IncomingRequest request;
        request.method = "GET";
        request.target = std::move(target);
        Reply at_once;
        const auto later = answer_data_request(request, fixture.context, at_once);
        if (!later) {
            into = std::move(at_once);
            return;
        }
        net::co_spawn(loop, later(), [&into](std::exception_ptr error, Reply reply) {
            REQUIRE(!error);
            into = std::move(reply);
        });
    }

    // Runs the loop until `answer` is in: a page is rendered on the pool and posted back.
    void run_until(const std::optional<Reply>& answer) {
        for (int turn = 0; !answer && turn < 1000; ++turn) {
            loop.restart();
            loop.run_for(std::chrono::milliseconds(10));
        }
    }
};

} // namespace

TEST_CASE("past --max-pages-in-flight a page is refused at once, and the slot comes back when "
          "the page is answered") {
    Routes routes; // a limit of one page
    std::optional<Reply> first, second, lookup, third, head_to_head;
    routes.get("/games?limit=10", first);
    routes.loop.poll();
    REQUIRE(routes.store.pages_asked() == 1);
    CHECK(!first);
    CHECK(routes.levels.pages_in_flight.load() == 1);

    // While the first page is away: the next page (any kind) is told to come back, and never
    // reaches the store; a lookup is not a page and is answered as always.
    routes.get("/players/alice/games", second);
    routes.get("/players/alice", lookup);
    routes.get("/players/alice/vs/bob", head_to_head);
    routes.loop.poll();
    REQUIRE(head_to_head);
    CHECK(head_to_head->status == 503);
    REQUIRE(second);
    CHECK(second->status == 503);
    CHECK(second->retry_after_seconds == 1);
    CHECK(nlohmann::json::parse(second->body)["error"].get<std::string>().find("too many pages") ==
          0);
    REQUIRE(lookup);
    CHECK(lookup->status == 200);
    CHECK(routes.store.pages_asked() == 1);
    CHECK(routes.levels.shed_pages.load() == 2);
    CHECK(!first);

    routes.store.release();
    routes.run_until(first);
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(routes.levels.pages_in_flight.load() == 0);

    routes.get("/games?limit=10", third);
    routes.run_until(third);
    REQUIRE(third);
    CHECK(third->status == 200);
    CHECK(routes.store.pages_asked() == 2);
}
