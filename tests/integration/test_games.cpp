// Games over HTTP: the API's answers, durability across a restart, and the I/O half of the
// lesson asserted as ordering: a store call that waits on a lock holds the loop only inline.
#include "captured_stderr.hpp"
#include "foreign_lock.hpp"
#include "json_shapes.hpp"
#include "sqlite_statement.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

const std::string alice_beats_bob = R"({"id":"g1","white":"alice","black":"bob","result":"1-0"})";

nlohmann::json get_json(const HttpEndpoint& endpoint, const std::string& target) {
    const auto result = request(endpoint, "GET", target);
    REQUIRE(result.response.status == 200);
    return nlohmann::json::parse(result.response.body);
}

std::string error_of(const FetchResult& result) {
    return nlohmann::json::parse(result.response.body).at("error").get<std::string>();
}

// A server whose database file a test can lock; the file outlives the server.
ServerConfig config_on(const TempDatabase& file, WorkPlacement mode,
                       std::chrono::milliseconds busy_timeout = std::chrono::seconds(1)) {
    auto config = test_config(mode);
    config.store.file = file.path();
    config.store.busy_timeout = busy_timeout;
    return config;
}

// POST /games at 0 ms, a lookup at 20 ms, while another process holds the file's write lock
// for longer than the store will wait for it (300 ms).
std::vector<std::string> answer_order_with_locked_store(WorkPlacement mode) {
    const TempDatabase file;
    TestServer server(config_on(file, mode, std::chrono::milliseconds(300)));
    ForeignLock lock(file.path());
    net::io_context loop;
    std::vector<std::string> order;
    net::co_spawn(loop,
                  ask_after(server.data(), {"POST", "/games", alice_beats_bob}, 0, "game", order),
                  net::detached);
    net::co_spawn(loop, ask_after(server.data(), {"GET", "/players/bob"}, 20, "lookup", order),
                  net::detached);
    loop.run();
    return order;
}

} // namespace

TEST_CASE("a game is answered 201 once durable, and lookups show the new ratings") {
    TestServer server;
    const auto posted = request(server.data(), "POST", "/games", alice_beats_bob);
    REQUIRE(posted.response.status == 201);
    const auto game = parse_game(nlohmann::json::parse(posted.response.body));
    CHECK(game.seq == 1);
    CHECK(game.white.player == "alice");
    CHECK(game.white.after.rating > game.white.before.rating);
    CHECK(game.black.after.rating < game.black.before.rating);

    const auto alice = get_json(server.data(), "/players/alice");
    CHECK(alice["glicko"]["rating"].get<double>() == game.white.after.rating);
    // Grown by the milliseconds since the game, as every lookup shows it (rating_time.hpp).
    CHECK(alice["glicko"]["rd"].get<double>() >= game.white.after.rd);
    CHECK(alice["glicko"]["rd"].get<double>() == doctest::Approx(game.white.after.rd));
    CHECK(alice["games"] == 1);
    CHECK(alice["rank"] == game.white.rank);
    CHECK(alice["rating"] == std::lround(game.white.after.rating));
    CHECK(parse_game(get_json(server.data(), "/games/g1")) == game);
    const auto explained = get_json(server.data(), "/games/g1/explain");
    CHECK(explained["white"]["before"]["rating"].get<double>() == game.white.before.rating);
    CHECK(explained["white"]["matches_stored"] == true);
    CHECK(explained["black"]["matches_stored"] == true);
    CHECK(request(server.data(), "GET", "/games/nope/explain").response.status == 404);

    const auto again = request(server.data(), "POST", "/games", alice_beats_bob);
    CHECK(again.response.status == 200); // a retry: the original answer, nothing counted twice
    CHECK(parse_game(nlohmann::json::parse(again.response.body)) == game);
    CHECK(get_json(server.data(), "/players/alice")["games"] == 1);
    const auto other = request(server.data(), "POST", "/games",
                               R"({"id":"g1","white":"alice","black":"bob","result":"0-1"})");
    CHECK(other.response.status == 409);
    CHECK(error_of(other).find("'g1'") != std::string::npos);
}

TEST_CASE("bad games get a clear error naming the field, and move no rating") {
    TestServer server;
    const auto before = get_json(server.data(), "/players/alice");
    const std::vector<std::tuple<std::string, int, std::string>> cases{
        {"{", 400, "not valid JSON"},
        {"[]", 400, "JSON object"},
        {R"({"white":"alice","black":"bob","result":"1-0"})", 400, "'id'"},
        {R"({"id":"a b","white":"alice","black":"bob","result":"1-0"})", 400, "'id'"},
        {R"({"id":"g","white":"alice","black":"Alice","result":"1-0"})", 400, "same player"},
        {R"({"id":"g","white":"alice","black":"bob","result":"2-0"})", 400, "'result'"},
        {R"({"id":"g","white":"alice","black":7,"result":"1-0"})", 400, "'black'"},
        {R"({"id":"g","white":"alice","black":"bob","result":"1-0","played_at":-1})", 400,
         "'played_at'"},
        {R"({"id":"g","white":"alice","black":"bob","result":"1-0","elo":1})", 400, "'elo'"},
        {R"({"id":"g","white":"alice","black":"nobody","result":"1-0"})", 404, "'nobody'"},
        {R"({"id":"g","white":"alice","black":"bob","result":"1-0","x":")" +
             std::string(2000, 'x') + "\"}",
         413, "too large"},
    };
    for (const auto& [body, status, says] : cases) {
        CAPTURE(body.substr(0, 80));
        const auto answer = request(server.data(), "POST", "/games", body);
        CHECK(answer.response.status == status);
        CHECK(error_of(answer).find(says) != std::string::npos);
    }
    CHECK(get_json(server.data(), "/players/alice") == before);
    CHECK(get_json(server.data(), "/games")["games"].empty());
    CHECK(request(server.data(), "DELETE", "/games").response.status == 405);
}

TEST_CASE("a server restarted on the same file finds every game and rating") {
    const TempDatabase file;
    nlohmann::json alice;
    {
        TestServer first(config_on(file, WorkPlacement::offload));
        REQUIRE(request(first.data(), "POST", "/games", alice_beats_bob).response.status == 201);
        alice = get_json(first.data(), "/players/alice");
    }
    TestServer second(config_on(file, WorkPlacement::offload));
    auto again = get_json(second.data(), "/players/alice");
    // The RD shown grows with the time since the game (rating_time.hpp): the rest is as stored.
    CHECK(again["glicko"]["rd"].get<double>() ==
          doctest::Approx(alice["glicko"]["rd"].get<double>()));
    again["glicko"].erase("rd");
    alice["glicko"].erase("rd");
    CHECK(again == alice);
    CHECK(get_json(second.data(), "/games/g1")["seq"] == 1);
    const auto next = request(second.data(), "POST", "/games",
                              R"({"id":"g2","white":"bob","black":"alice","result":"1/2-1/2"})");
    CHECK(nlohmann::json::parse(next.response.body)["seq"] == 2);
}

TEST_CASE("POST /verify on the admin plane replays the live server's games, then names an edit") {
    const TempDatabase file;
    TestServer server(config_on(file, WorkPlacement::offload));
    for (int i = 0; i < 20; ++i)
        REQUIRE(request(server.data(), "POST", "/games",
                        R"({"id":"v)" + std::to_string(i) + R"(","white":")" +
                            (i % 2 ? "alice" : "bob") + R"(","black":"charlie","result":"1-0"})")
                    .response.status == 201);
    const auto agrees =
        nlohmann::json::parse(request(server.admin(), "POST", "/verify").response.body);
    CHECK(agrees["agrees"] == true);
    CHECK(agrees["games"] == 20);
    CHECK(agrees["difference"].is_null());
    CHECK(request(server.admin(), "GET", "/verify").response.status == 405);
    {
        Connection edit(file.path());
        edit.execute("UPDATE games SET black_volatility = 0.07 WHERE id = 'v12'");
    }
    const auto differs =
        nlohmann::json::parse(request(server.admin(), "POST", "/verify").response.body);
    CHECK(differs["agrees"] == false);
    CHECK(differs["difference"].get<std::string>().find("game 'v12' (seq 13): black (charlie)") !=
          std::string::npos);
}

TEST_CASE("a player's history: a point per game, newest first, or the last of each day") {
    TestServer server;
    const std::int64_t day = 86'400'000;
    const std::int64_t start = 1'700'000'000'000 / day * day; // a day's first ms
    const char* games[] = {
        R"({"id":"h1","white":"alice","black":"bob","result":"1-0","played_at":)",
        R"({"id":"h2","white":"bob","black":"alice","result":"0-1","played_at":)",
        R"({"id":"h3","white":"alice","black":"charlie","result":"1/2-1/2","played_at":)"};
    const std::int64_t played[] = {start + 1000, start + day + 1000, start + day + 2000};
    for (int i = 0; i < 3; ++i)
        REQUIRE(request(server.data(), "POST", "/games", games[i] + std::to_string(played[i]) + "}")
                    .response.status == 201);
    const auto alice = get_json(server.data(), "/players/alice");
    const auto every = get_json(server.data(), "/players/alice/history");
    REQUIRE(every["points"].size() == 3);
    CHECK(every["points"][0]["game"] == "h3");
    CHECK(every["points"][0]["rating"] == alice["glicko"]["rating"]); // the newest is the current
    CHECK(every["points"][2]["game"] == "h1");
    const auto daily = get_json(server.data(), "/players/alice/history?by=day");
    REQUIRE(daily["points"].size() == 2);
    CHECK(daily["points"][0]["game"] == "h3");
    CHECK(daily["points"][1]["game"] == "h1");
    const auto page = get_json(server.data(), "/players/alice/history?limit=2");
    CHECK(page["points"].size() == 2);
    CHECK(page["next"] == every["points"][1]["seq"]);
    CHECK(request(server.data(), "GET", "/players/nobody/history").response.status == 404);
}

TEST_CASE("a player's games and the export come in pages with a cursor") {
    TestServer server(WorkPlacement::inline_on_loop);
    for (int i = 1; i <= 5; ++i)
        REQUIRE(request(server.data(), "POST", "/games",
                        R"({"id":"g)" + std::to_string(i) +
                            R"(","white":"alice","black":"charlie","result":"1/2-1/2"})")
                    .response.status == 201);
    const auto newest = get_json(server.data(), "/players/charlie/games?limit=2");
    REQUIRE(newest["games"].size() == 2);
    CHECK(newest["games"][0]["seq"] == 5);
    CHECK(newest["next"] == 4);
    const auto older = get_json(server.data(), "/players/charlie/games?limit=10&before=4");
    CHECK(older["games"].size() == 3);
    CHECK(older["next"].is_null());
    const auto page = get_json(server.data(), "/games?after=3&limit=10");
    REQUIRE(page["games"].size() == 2);
    CHECK(page["games"][0]["seq"] == 4);
    CHECK(request(server.data(), "GET", "/players/nobody/games").response.status == 404);
    CHECK(request(server.data(), "GET", "/games?limit=10001").response.status == 400);
    CHECK(request(server.data(), "GET", "/games/no%20such").response.status == 400);
    CHECK(request(server.data(), "GET", "/games/nosuch").response.status == 404);
}

TEST_CASE("head to head: the first player's tally of all their games, their ids newest first, "
          "in pages") {
    TestServer server;
    const char* games[][4] = {{"v1", "alice", "bob", "1-0"},     {"v2", "bob", "charlie", "1-0"},
                              {"v3", "bob", "alice", "1/2-1/2"}, {"v4", "charlie", "alice", "0-1"},
                              {"v5", "bob", "alice", "1-0"},     {"v6", "alice", "bob", "1-0"}};
    for (const auto& g : games)
        REQUIRE(
            request(server.data(), "POST", "/games",
                    nlohmann::json{{"id", g[0]}, {"white", g[1]}, {"black", g[2]}, {"result", g[3]}}
                        .dump())
                .response.status == 201);
    const auto ids = [](std::initializer_list<const char*> list) {
        auto array = nlohmann::json::array();
        for (const auto* id : list)
            array.push_back(id);
        return array;
    };
    CHECK(get_json(server.data(), "/players/alice/vs/bob") ==
          nlohmann::json{{"player", "alice"},
                         {"opponent", "bob"},
                         {"wins", 2},
                         {"draws", 1},
                         {"losses", 1},
                         {"games", ids({"v6", "v5", "v3", "v1"})},
                         {"next", nullptr}});
    const auto bob = get_json(server.data(), "/players/Bob/vs/ALICE"); // names fold
    CHECK(bob["player"] == "bob");
    CHECK(bob["opponent"] == "alice");
    CHECK(bob["wins"] == 1);
    CHECK(bob["draws"] == 1);
    CHECK(bob["losses"] == 2);
    CHECK(bob["games"] == ids({"v6", "v5", "v3", "v1"}));

    // Pages of ids; the tally is always of all their games.
    const auto first = get_json(server.data(), "/players/alice/vs/bob?limit=2");
    CHECK(first["games"] == ids({"v6", "v5"}));
    CHECK(first["next"] == 5);
    CHECK(first["wins"] == 2);
    const auto second = get_json(server.data(), "/players/alice/vs/bob?limit=2&before=5");
    CHECK(second["games"] == ids({"v3", "v1"}));
    CHECK(second["next"] == 1);
    const auto last = get_json(server.data(), "/players/alice/vs/bob?limit=2&before=1");
    CHECK(last["games"].empty());
    CHECK(last["next"].is_null());
    CHECK(last["losses"] == 1);
    const auto none = get_json(server.data(), "/players/charlie/vs/player00010");
    CHECK(none["games"].empty());
    CHECK(none["wins"] == 0);
    CHECK(none["draws"] == 0);
    CHECK(none["losses"] == 0);

    const auto unknown = request(server.data(), "GET", "/players/alice/vs/nobody");
    CHECK(unknown.response.status == 404);
    CHECK(error_of(unknown) == "unknown player 'nobody'");
    CHECK(error_of(request(server.data(), "GET", "/players/nobody/vs/alice")) ==
          "unknown player 'nobody'");
    CHECK(request(server.data(), "GET", "/players/alice/vs/Alice").response.status == 400);
    CHECK(request(server.data(), "GET", "/players/alice/vs/bob?limit=1001").response.status == 400);
    CHECK(request(server.data(), "GET", "/players/alice/vs/bob?limit=0").response.status == 400);
    CHECK(request(server.data(), "GET", "/players/alice/vs/bob?before=x").response.status == 400);
}

TEST_CASE("offload: a lookup is answered while a game waits on a locked file, the game gets 503") {
    CHECK(answer_order_with_locked_store(WorkPlacement::offload) ==
          std::vector<std::string>{"lookup", "game"});
}

TEST_CASE("inline: the same lookup waits behind the store call that holds the loop") {
    CHECK(answer_order_with_locked_store(WorkPlacement::inline_on_loop) ==
          std::vector<std::string>{"game", "lookup"});
}

TEST_CASE("a locked store answers 503 with Retry-After, and takes the game once free") {
    const TempDatabase file;
    TestServer server(config_on(file, WorkPlacement::offload, std::chrono::milliseconds(100)));
    ForeignLock lock(file.path());
    CapturedStderr log;
    const auto refused = request(server.data(), "POST", "/games", alice_beats_bob);
    const auto lines = log.lines();
    CHECK(refused.response.status == 503);
    const auto logged = std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
        return line.find("request #") != std::string::npos &&
               line.find("locked") != std::string::npos;
    });
    CHECK(logged); // the detail, with the request's id, in the server's log
    CHECK(refused.response.retry_after == "1");
    // The store's own words go to the log, not to the client.
    CHECK(error_of(refused).find("locked") == std::string::npos);
    CHECK(error_of(refused).find("retry later") != std::string::npos);
    CHECK(request(server.data(), "GET", "/players/alice").response.status == 200);
    CHECK(get_json(server.data(), "/players/alice")["games"] == 0);
    lock.release();
    CHECK(request(server.data(), "POST", "/games", alice_beats_bob).response.status == 201);
}

TEST_CASE("inline: a store call that holds the loop is a stall named POST /games") {
    const TempDatabase file;
    TestServer server(
        config_on(file, WorkPlacement::inline_on_loop, std::chrono::milliseconds(300)));
    ForeignLock lock(file.path());
    CHECK(request(server.data(), "POST", "/games", alice_beats_bob).response.status == 503);
    for (int i = 0; i < 50 && server.server().stalls().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto stalls = server.server().stalls();
    REQUIRE(stalls.size() == 1);
    CHECK(stalls[0].route == Route::post_game);
}
