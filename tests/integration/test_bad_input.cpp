// Bad input gets a clear error, costs nothing else, and never takes the server down.
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

// The status line, and that the body is a JSON error.
void check_json_error(const RawAnswer& answer, const std::string& status) {
    CAPTURE(answer.bytes);
    CHECK(starts_with(answer.bytes, "HTTP/1.1 " + status));
    CHECK(answer.bytes.find("{\"error\":") != std::string::npos);
}

void check_still_serving(const TestServer& server) {
    CHECK(request(server.data(), "GET", "/healthz").response.status == 200);
}

const std::string host = "Host: 127.0.0.1\r\n";

} // namespace

TEST_CASE("malformed request lines and headers are 400") {
    TestServer server;
    check_json_error(raw_exchange(server.data(), "GARBAGE\r\n\r\n"), "400");
    check_json_error(raw_exchange(server.data(), "GET /healthz HTTP/9.9\r\n\r\n"), "400");
    check_json_error(raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n"),
                     "400");
    check_still_serving(server);
}

TEST_CASE("oversized headers are 431, an oversized body 413") {
    TestServer server;
    check_json_error(raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " +
                                                     std::string(9000, 'a') + "\r\n\r\n"),
                     "431");
    check_json_error(raw_exchange(server.data(), "POST /games HTTP/1.1\r\n" + host +
                                                     "Content-Length: 5000\r\n\r\n" +
                                                     std::string(5000, 'a')),
                     "413");
    // A method that takes no body may not send one, however small.
    const auto get_body = raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\n" + host +
                                                          "Content-Length: 5\r\n\r\naaaaa");
    check_json_error(get_body, "413");
    CHECK(get_body.bytes.find("only POST and PUT") != std::string::npos);
    check_still_serving(server);
}

TEST_CASE("an unknown method is 405 with Allow") {
    TestServer server;
    const auto answer = raw_exchange(server.data(), "BREW /rank/alice HTTP/1.1\r\n" + host +
                                                        "Connection: close\r\n\r\n");
    check_json_error(answer, "405");
    CHECK(answer.bytes.find("Allow: GET") != std::string::npos);
}

TEST_CASE("Expect is refused before any body is waited for, unknown transfer codings are 501") {
    TestServer server;
    // The body never comes: a server that waited for it would hang until our patience ends.
    const auto expect = raw_exchange(server.data(), "POST /games HTTP/1.1\r\n" + host +
                                                        "Expect: 100-continue\r\n"
                                                        "Content-Length: 10\r\n\r\n");
    check_json_error(expect, "417");
    CHECK(expect.closed_by_server);
    check_json_error(raw_exchange(server.data(), "GET /healthz HTTP/1.1\r\n" + host +
                                                     "Transfer-Encoding: gzip\r\n\r\n"),
                     "501");
    check_still_serving(server);
}

TEST_CASE("bad names and absurd queries are 400 with a JSON error") {
    TestServer server;
    for (const char* target :
         {"/rank/%zz", "/rank/%C3%A9", "/players/a%00b", "/leaderboard?limit=99999999999999999999",
          "/leaderboard?offset=-5", "/leaderboard?limit=1e3"}) {
        CAPTURE(target);
        check_json_error(raw_exchange(server.data(), std::string("GET ") + target +
                                                         " HTTP/1.1\r\n" + host +
                                                         "Connection: close\r\n\r\n"),
                         "400");
    }
    const auto raw_bytes = raw_exchange(server.data(), "GET /rank/\xff\xfe HTTP/1.1\r\n" + host +
                                                           "Connection: close\r\n\r\n");
    check_json_error(raw_bytes, "400");
    check_still_serving(server);
}

TEST_CASE("pipelined requests are answered in order") {
    TestServer server;
    const auto answer = raw_exchange(server.data(), "GET /players/alice HTTP/1.1\r\n" + host +
                                                        "\r\nGET /players/bob HTTP/1.1\r\n" + host +
                                                        "\r\nGET /healthz HTTP/1.1\r\n" + host +
                                                        "Connection: close\r\n\r\n");
    const auto alice = answer.bytes.find("\"player\":\"alice\"");
    const auto bob = answer.bytes.find("\"player\":\"bob\"");
    const auto health = answer.bytes.find("\"status\":\"ok\"");
    REQUIRE(alice != std::string::npos);
    REQUIRE(bob != std::string::npos);
    REQUIRE(health != std::string::npos);
    CHECK(alice < bob);
    CHECK(bob < health);
    CHECK(answer.closed_by_server);
}

TEST_CASE("a request sent in pieces with pauses is read whole and answered") {
    TestServer server;
    net::io_context loop;
    tcp::socket socket(loop);
    socket.connect({net::ip::make_address("127.0.0.1"),
                    static_cast<std::uint16_t>(std::stoi(server.data().port))});
    // The first piece wakes the idle connection; the rest arrive while its read waits.
    for (const std::string piece :
         {"GET /play", "ers/alice HTTP/1.1\r\nHo", "st: test\r\nConnection: close\r\n\r\n"}) {
        net::write(socket, net::buffer(piece));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string answer;
    error_code ec;
    char chunk[4096];
    while (!ec)
        answer.append(chunk, socket.read_some(net::buffer(chunk), ec));
    CHECK(ec == net::error::eof);
    CHECK(starts_with(answer, "HTTP/1.1 200"));
    CHECK(answer.find("\"player\":\"alice\"") != std::string::npos);
}

TEST_CASE("300 pipelined requests, a /rank that waits for the pool first, answered in order") {
    TestServer server;
    std::string burst = "GET /rank/alice HTTP/1.1\r\n" + host + "\r\n"; // the waiting path
    for (int i = 0; i < 300; ++i) // many reads' worth behind it: the cheap path
        burst += "GET /healthz HTTP/1.1\r\n" + host + "\r\n";
    burst += "GET /players/bob HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
    const auto answer = raw_exchange(server.data(), burst);
    std::size_t answers = 0;
    for (auto at = answer.bytes.find("HTTP/1.1 200"); at != std::string::npos;
         at = answer.bytes.find("HTTP/1.1 200", at + 1))
        ++answers;
    CHECK(answers == 302);
    const auto token = answer.bytes.find("\"token\"");
    REQUIRE(token != std::string::npos);
    CHECK(token < answer.bytes.find("\"status\":\"ok\""));
    CHECK(answer.bytes.rfind("\"status\":\"ok\"") < answer.bytes.find("\"player\":\"bob\""));
    CHECK(answer.closed_by_server);
}

TEST_CASE("a half-closed client still gets its answer") {
    TestServer server;
    const auto answer =
        raw_exchange(server.data(), "GET /players/charlie HTTP/1.1\r\n" + host + "\r\n", true);
    CHECK(starts_with(answer.bytes, "HTTP/1.1 200"));
    CHECK(answer.bytes.find("\"player\":\"charlie\"") != std::string::npos);
    CHECK(answer.closed_by_server);
}

TEST_CASE("abrupt resets, mid-request and mid-answer, leave the server serving") {
    TestServer server(WorkPlacement::offload, 200'000); // a /rank long enough to reset under it
    for (const std::string& bytes :
         {std::string("GET /rank/al"), "GET /rank/alice HTTP/1.1\r\n" + host + "\r\n"}) {
        net::io_context loop;
        tcp::socket socket(loop);
        socket.connect({net::ip::make_address("127.0.0.1"),
                        static_cast<std::uint16_t>(std::stoi(server.data().port))});
        net::write(socket, net::buffer(bytes));
        socket.set_option(net::socket_base::linger(true, 0)); // close sends RST
        socket.close();
    }
    check_still_serving(server);
    CHECK(request(server.data(), "GET", "/rank/bob").response.status == 200);
}
