// The players' page on the data plane: GET /club and its files, from the directory the dashboard
// is gathered into (the build tree's copy), each answer with its CSP and no framing; 404 and 405
// for the rest. The page in a browser: tests/dashboard/club_test.cjs.
#include "dashboard_location.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace ranking;
using namespace ranking::testing;

namespace {

constexpr const char* club_csp =
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string ask(const std::string& method, const std::string& target) {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           (method == "POST" ? "Content-Length: 0\r\n" : "") + "Connection: close\r\n\r\n";
}

std::string status_line(const std::string& bytes) {
    return bytes.substr(0, bytes.find("\r\n"));
}

std::string body_of(const std::string& bytes) {
    const auto end = bytes.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : bytes.substr(end + 4);
}

ServerConfig with_pages(std::filesystem::path directory) {
    auto config = test_config();
    config.dashboard_directory = std::move(directory);
    return config;
}

} // namespace

TEST_CASE("club page: GET /club and its files are served with their type, a CSP and no framing") {
    TestServer server(with_pages(default_dashboard_directory())); // the build tree's copy
    struct Served {
        const char* target;
        const char* content_type;
        const char* in_body;
    };
    for (const auto& file :
         {Served{"/club", "text/html; charset=utf-8", "/club/club.js"},
          Served{"/club/", "text/html; charset=utf-8", "/club/chart.min.js"},
          Served{"/club/club.js", "text/javascript; charset=utf-8", "/leaderboard?limit="},
          Served{"/club/club.css", "text/css; charset=utf-8", ".explanation"},
          Served{"/club/chart.min.js", "text/javascript; charset=utf-8", "Chart.js"}}) {
        const auto answer = raw_exchange(server.data(), ask("GET", file.target));
        CAPTURE(file.target);
        CAPTURE(answer.bytes.substr(0, 400));
        CHECK(status_line(answer.bytes) == "HTTP/1.1 200 OK");
        CHECK(has(answer.bytes, std::string("Content-Type: ") + file.content_type + "\r\n"));
        CHECK(has(answer.bytes, club_csp));
        CHECK(has(answer.bytes, "X-Frame-Options: DENY\r\n"));
        CHECK(has(body_of(answer.bytes), file.in_body));
    }
    // The page is no inline script or style: the CSP would refuse it.
    const auto page = body_of(raw_exchange(server.data(), ask("GET", "/club")).bytes);
    CHECK_FALSE(has(page, "<script>"));
    CHECK_FALSE(has(page, "<style"));
    CHECK_FALSE(has(page, "style=\""));
    // HEAD as GET, no body.
    const auto head = raw_exchange(server.data(), ask("HEAD", "/club"));
    CHECK(status_line(head.bytes) == "HTTP/1.1 200 OK");
    CHECK(has(head.bytes, club_csp));
    CHECK(body_of(head.bytes).empty());
    // The headers do not linger on the connection's next answer.
    const auto both = raw_exchange(server.data(), "GET /club HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                                                      ask("GET", "/healthz"));
    const auto second = both.bytes.find("HTTP/1.1 200", 1);
    REQUIRE(second != std::string::npos);
    CHECK_FALSE(has(both.bytes.substr(second), "Content-Security-Policy"));
    CHECK_FALSE(has(both.bytes.substr(second), "X-Frame-Options"));
}

TEST_CASE("club page: an unknown file is a JSON 404, POST /club a 405 that allows GET") {
    TestServer server(with_pages(default_dashboard_directory()));
    for (const char* target : {"/club/nope", "/club/dashboard.js", "/club/index.html.bak"}) {
        const auto answer = raw_exchange(server.data(), ask("GET", target));
        CAPTURE(answer.bytes);
        CHECK(status_line(answer.bytes) == "HTTP/1.1 404 Not Found");
        CHECK(has(answer.bytes, "Content-Type: application/json\r\n"));
        CHECK(has(answer.bytes, club_csp));
        const auto error = nlohmann::json::parse(body_of(answer.bytes));
        CHECK(has(error.at("error").get<std::string>(), "club page"));
    }
    for (const char* target : {"/club", "/club/club.js"}) {
        const auto answer = raw_exchange(server.data(), ask("POST", target));
        CAPTURE(answer.bytes);
        CHECK(status_line(answer.bytes) == "HTTP/1.1 405 Method Not Allowed");
        CHECK(has(answer.bytes, "Allow: GET\r\n"));
        CHECK(nlohmann::json::parse(body_of(answer.bytes)).contains("error"));
    }
    // The admin plane reads the same directory but serves the dashboard only.
    for (const char* target : {"/club.html", "/club.js", "/club.css"}) {
        CAPTURE(target);
        CHECK(status_line(raw_exchange(server.admin(), ask("GET", target)).bytes) ==
              "HTTP/1.1 404 Not Found");
    }
    CHECK(status_line(raw_exchange(server.admin(), ask("GET", "/dashboard.js")).bytes) ==
          "HTTP/1.1 200 OK");
}

TEST_CASE("club page: without its files in --dashboard-dir, /club is a 404 naming the directory") {
    const auto nowhere = std::filesystem::temp_directory_path() / "ranking-no-club-page-here";
    TestServer server(with_pages(nowhere));
    const auto answer = raw_exchange(server.data(), ask("GET", "/club"));
    CAPTURE(answer.bytes);
    CHECK(status_line(answer.bytes) == "HTTP/1.1 404 Not Found");
    CHECK(has(nlohmann::json::parse(body_of(answer.bytes)).at("error").get<std::string>(),
              nowhere.string()));
    CHECK(status_line(raw_exchange(server.data(), ask("GET", "/healthz")).bytes) ==
          "HTTP/1.1 200 OK"); // the rest of the plane serves as ever
}
