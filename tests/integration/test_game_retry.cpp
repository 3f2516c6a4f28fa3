// ranking-client's game command against a stand-in server that answers raw HTTP/1.1 from a
// script: a 503 (the store could not take the game, or its answer to COMMIT was lost) and an
// answer lost after the request went out are asked again with the SAME id, at most 5 times in
// all, after Retry-After; other answers are final. Behaviour, not timing: what was sent, how
// often, and the waits the client chose.
#include "unix_time.hpp"
#include "client_options.hpp"
#include "commands.hpp"
#include "data_api.hpp"
#include "json_shapes.hpp"
#include "submit_game.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using namespace ranking;
using namespace std::chrono_literals;

namespace {

// A raw HTTP/1.1 answer that closes its connection; "" answers nothing (the connection is closed
// once the request was read: the answer is lost).
std::string http_answer(int status, std::string_view reason, const std::string& body,
                        const std::string& extra_headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

std::string unavailable(const std::string& retry_after) {
    return http_answer(503, "Service Unavailable",
                       R"({"error":"the store cannot answer now (request #7); )"
                       R"(retry later"})",
                       retry_after.empty() ? "" : "Retry-After: " + retry_after + "\r\n");
}

// The game the server would store for `submission`: 201 or 200 with it, as game_json() writes.
std::string stored_answer(int status, const GameSubmission& submission) {
    StoredGame game;
    game.id = submission.id;
    game.seq = 1;
    game.result = submission.result;
    game.played_at_ms = 1'700'000'000'000;
    game.white = {submission.white, Glicko{}, Glicko{1662.3, 290.3, 0.06}, 1, 1};
    game.black = {submission.black, Glicko{}, Glicko{1337.7, 290.3, 0.06}, 2, 1};
    return http_answer(status, status == 201 ? "Created" : "OK", game_json(game).dump(),
                       "Location: /games/" + game.id + "\r\n");
}

GameSubmission decoded(const std::string& body) {
    auto parsed = parse_game_submission(body, unix_ms_now());
    REQUIRE(std::holds_alternative<GameSubmission>(parsed));
    return std::get<GameSubmission>(parsed);
}

// The stand-in: an acceptor on 127.0.0.1, port 0, served on its own thread, one connection at a
// time. Each request's body is recorded; `script(n, body)` gives the raw answer to the n-th
// (1-based) POST.
class StandInServer {
public:
    using Script = std::function<std::string(int attempt, const std::string& body)>;

    explicit StandInServer(Script script)
        : script_(std::move(script)),
          acceptor_(loop_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        net::co_spawn(loop_, serve(), net::detached);
        thread_ = std::thread([this] { loop_.run(); });
    }
    ~StandInServer() {
        net::post(loop_, [this] {
            error_code ignored;
            acceptor_.close(ignored);
        });
        thread_.join();
    }
    StandInServer(const StandInServer&) = delete;
    StandInServer& operator=(const StandInServer&) = delete;

    HttpEndpoint endpoint() const {
        return {"127.0.0.1", std::to_string(acceptor_.local_endpoint().port())};
    }
    std::vector<std::string> bodies() const {
        std::lock_guard lock(mutex_);
        return bodies_;
    }

private:
    static std::size_t content_length(std::string head) {
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto at = head.find("\r\ncontent-length:");
        if (at == std::string::npos) return 0;
        return std::stoul(head.substr(at + 17));
    }

    net::awaitable<void> serve() {
        for (;;) {
            auto [accept_ec, socket] = co_await acceptor_.async_accept(use_nothrow);
            if (accept_ec) co_return; // closed: the test is over
            std::string data;
            auto [head_ec, head_size] = co_await net::async_read_until(
                socket, net::dynamic_buffer(data), "\r\n\r\n", use_nothrow);
            if (head_ec) continue;
            const auto length = content_length(data.substr(0, head_size));
            if (data.size() < head_size + length) {
                auto [body_ec, ignored] = co_await net::async_read(
                    socket, net::dynamic_buffer(data),
                    net::transfer_exactly(head_size + length - data.size()), use_nothrow);
                (void)ignored;
                if (body_ec) continue;
            }
            const std::string body = data.substr(head_size, length);
            int attempt = 0;
            {
                std::lock_guard lock(mutex_);
                bodies_.push_back(body);
                attempt = static_cast<int>(bodies_.size());
            }
            const std::string answer = script_(attempt, body);
            if (!answer.empty()) {
                auto [write_ec, written] =
                    co_await net::async_write(socket, net::buffer(answer), use_nothrow);
                (void)write_ec;
                (void)written;
            }
            error_code ignored;
            socket.shutdown(tcp::socket::shutdown_both, ignored);
            socket.close(ignored);
        }
    }

    Script script_;
    net::io_context loop_;
    tcp::acceptor acceptor_;
    mutable std::mutex mutex_;
    std::vector<std::string> bodies_;
    std::thread thread_;
};

const GameSubmission alice_beats_bob{"g-retry-1", "alice", "bob", GameResult::white_wins, {}};

// submit_game() on a loop of its own, run to the end; the retry lines it printed in `notes`.
GameSubmitOutcome submit(const HttpEndpoint& endpoint, const GameRetryPolicy& policy,
                         std::vector<std::string>* notes = nullptr) {
    net::io_context loop;
    GameSubmitOutcome outcome;
    net::co_spawn(loop,
                  submit_game(endpoint, alice_beats_bob, 5s, "", policy,
                              [notes](const std::string& line) {
                                  if (notes) notes->push_back(line);
                              }),
                  [&outcome](std::exception_ptr failure, GameSubmitOutcome done) {
                      if (failure) std::rethrow_exception(failure);
                      outcome = std::move(done);
                  });
    loop.run();
    return outcome;
}

// ranking-client game alice bob 1-0 --id g-retry-1 --url http://127.0.0.1:PORT: its exit status.
int run_game_command(const HttpEndpoint& endpoint) {
    ClientOptions options;
    options.command = "game";
    options.data = endpoint;
    options.timeout = 5s;
    options.game = alice_beats_bob;
    return run_game(options);
}

void check_every_body_is_the_game(const std::vector<std::string>& bodies) {
    for (const auto& body : bodies) {
        CHECK(body == bodies.front()); // byte for byte: the same id every time
        CHECK(decoded(body) == alice_beats_bob);
    }
}

} // namespace

TEST_CASE("game retry: two 503s with Retry-After: 1, then 201: three attempts, one id") {
    StandInServer server([](int attempt, const std::string& body) {
        return attempt <= 2 ? unavailable("1") : stored_answer(201, decoded(body));
    });
    std::vector<std::string> notes;
    const auto outcome = submit(server.endpoint(), GameRetryPolicy{}, &notes);

    CHECK(outcome.attempts == 3);
    REQUIRE(outcome.recorded());
    CHECK(outcome.last.response.status == 201);
    CHECK(parse_game(nlohmann::json::parse(outcome.last.response.body)).id == "g-retry-1");
    const auto bodies = server.bodies();
    CHECK(bodies.size() == 3);
    check_every_body_is_the_game(bodies);
    // Retry-After honoured: one second before each retry.
    CHECK(outcome.waits == std::vector<std::chrono::milliseconds>{1s, 1s});
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] == "HTTP 503 (the store cannot answer now (request #7); retry "
                      "later); retrying game g-retry-1 in 1 s (attempt 2 of 5)");
    CHECK(notes[1].find("; retrying game g-retry-1 in 1 s (attempt 3 of 5)") != std::string::npos);
}

TEST_CASE("game retry: a store that stays at 503 is given up after 5 attempts, exit status 1") {
    // Retry-After: 0 is honoured as an immediate retry: no waiting in this test.
    StandInServer server([](int, const std::string&) { return unavailable("0"); });
    CHECK(run_game_command(server.endpoint()) == 1);
    const auto bodies = server.bodies();
    CHECK(bodies.size() == 5);
    check_every_body_is_the_game(bodies);

    // The outcome says so (the game may be stored: ask again with its id), with a bound of 3.
    StandInServer again([](int, const std::string&) { return unavailable("0"); });
    const auto outcome = submit(again.endpoint(), GameRetryPolicy{3, 10s, 1s});
    CHECK(outcome.attempts == 3);
    CHECK(again.bodies().size() == 3);
    CHECK_FALSE(outcome.recorded());
    CHECK(outcome.unknown());
    CHECK(outcome.last.response.status == 503);
    CHECK(outcome.waits == std::vector<std::chrono::milliseconds>{0s, 0s});
}

TEST_CASE("game retry: 409, 400 and 404 are final: one attempt, exit status 1") {
    for (const auto& [status, reason] :
         {std::pair{409, "Conflict"}, std::pair{400, "Bad Request"}, std::pair{404, "Not Found"}}) {
        CAPTURE(status);
        StandInServer server([status = status, reason = reason](int, const std::string&) {
            return http_answer(status, reason, R"({"error":"no"})", "Retry-After: 0\r\n");
        });
        CHECK(run_game_command(server.endpoint()) == 1);
        CHECK(server.bodies().size() == 1);

        StandInServer again([status = status, reason = reason](int, const std::string&) {
            return http_answer(status, reason, R"({"error":"no"})");
        });
        const auto outcome = submit(again.endpoint(), GameRetryPolicy{});
        CHECK(outcome.attempts == 1);
        CHECK(outcome.last.response.status == status);
        CHECK_FALSE(outcome.unknown());
        CHECK(outcome.waits.empty());
    }
}

TEST_CASE("game retry: a 200 or 201 at once is one attempt, exit status 0") {
    for (const int status : {201, 200}) {
        CAPTURE(status);
        StandInServer server([status](int, const std::string& body) {
            return stored_answer(status, decoded(body));
        });
        CHECK(run_game_command(server.endpoint()) == 0);
        CHECK(server.bodies().size() == 1);
    }
}

TEST_CASE("game retry: an answer lost after the request was sent is asked again, and 200 ends it") {
    // The first request is read, then its connection closed unanswered (the game stored, the
    // answer lost); the retry finds the game stored: 200 with it.
    StandInServer server([](int attempt, const std::string& body) {
        return attempt == 1 ? std::string{} : stored_answer(200, decoded(body));
    });
    std::vector<std::string> notes;
    const auto outcome = submit(server.endpoint(), GameRetryPolicy{5, 10s, 50ms}, &notes);
    CHECK(outcome.attempts == 2);
    REQUIRE(outcome.recorded());
    CHECK(outcome.last.response.status == 200);
    const auto bodies = server.bodies();
    CHECK(bodies.size() == 2);
    check_every_body_is_the_game(bodies);
    CHECK(outcome.waits == std::vector<std::chrono::milliseconds>{50ms}); // no Retry-After
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].starts_with("no answer from http://127.0.0.1:"));
    CHECK(notes[0].ends_with("; retrying game g-retry-1 in 0.05 s (attempt 2 of 5)"));
}

TEST_CASE("game retry: a server that cannot be reached is not retried (nothing was sent)") {
    HttpEndpoint closed;
    {
        net::io_context loop;
        tcp::acceptor acceptor(loop, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        closed = {"127.0.0.1", std::to_string(acceptor.local_endpoint().port())};
    } // the port is free again: connecting is refused
    const auto outcome = submit(closed, GameRetryPolicy{});
    CHECK(outcome.attempts == 1);
    CHECK(outcome.last.error);
    CHECK(outcome.last.failed_step == "connect");
    CHECK_FALSE(outcome.unknown());
    CHECK(outcome.waits.empty());
}

TEST_CASE("game retry: which failures are retried, and Retry-After read as the wait") {
    FetchResult answered;
    answered.response.status = 503;
    CHECK(worth_retrying(answered, 1));
    for (const int status : {200, 201, 400, 404, 409, 500, 502}) {
        answered.response.status = status;
        CHECK_FALSE(worth_retrying(answered, 1));
    }
    FetchResult lost;
    lost.error = make_error_code(boost::asio::error::connection_reset);
    lost.failed_step = "request"; // the connection was up: the request may have been sent
    CHECK(worth_retrying(lost, 1));
    lost.failed_step = "connect"; // nothing was sent, unless an earlier attempt was
    CHECK_FALSE(worth_retrying(lost, 1));
    CHECK(worth_retrying(lost, 2));

    const GameRetryPolicy policy; // at most 10 s, 1 s by default
    CHECK(retry_wait("1", policy) == 1s);
    CHECK(retry_wait("0", policy) == 0s);
    CHECK(retry_wait(" 2 ", policy) == 2s);
    CHECK(retry_wait("10", policy) == 10s);
    CHECK(retry_wait("30", policy) == 10s);
    CHECK(retry_wait("99999999999999999999999", policy) == 10s);
    CHECK(retry_wait("", policy) == 1s);
    CHECK(retry_wait("Wed, 21 Oct 2015 07:28:00 GMT", policy) == 1s);
    CHECK(retry_wait("-1", policy) == 1s);
    CHECK(retry_wait("1.5", policy) == 1s);
    const GameRetryPolicy at_once{5, 0s, 1s};
    CHECK(retry_wait("1", at_once) == 0s);
    CHECK(retry_wait("", at_once) == 0s);
    CHECK(retry_wait("1", GameRetryPolicy{5, 1500ms, 1s}) == 1s);
    CHECK(retry_wait("2", GameRetryPolicy{5, 1500ms, 1s}) == 1500ms);

    CHECK(seconds_text(1s) == "1 s");
    CHECK(seconds_text(250ms) == "0.25 s");
    CHECK(seconds_text(10s) == "10 s");
}
