#include "request_guards.hpp"

#include <doctest/doctest.h>

using namespace ranking;

TEST_CASE("only the dashboard's own origin may read the data plane's /healthz") {
    const std::vector<std::string> own{"localhost", "127.0.0.1", "::1", "club.example"};
    CHECK(is_dashboard_origin("http://127.0.0.1:8081", own, 8081));
    CHECK(is_dashboard_origin("http://LocalHost:8081", own, 8081));
    CHECK(is_dashboard_origin("http://[::1]:8081", own, 8081));
    CHECK(is_dashboard_origin("http://club.example:8081", own, 8081));
    CHECK_FALSE(is_dashboard_origin("http://127.0.0.1:8080", own, 8081)); // another port
    CHECK_FALSE(is_dashboard_origin("http://127.0.0.1", own, 8081));      // no port
    CHECK_FALSE(is_dashboard_origin("http://attacker.example:8081", own, 8081));
    CHECK_FALSE(is_dashboard_origin("https://127.0.0.1:8081", own, 8081)); // the dashboard is http
    CHECK_FALSE(is_dashboard_origin("http://127.0.0.1:8081x", own, 8081));
    CHECK_FALSE(is_dashboard_origin("null", own, 8081));
    CHECK_FALSE(is_dashboard_origin("", own, 8081));
}

TEST_CASE(
    "the admin plane's CSP lets its page reach the data plane by the name it was reached by") {
    CHECK(admin_content_security_policy("127.0.0.1:8081", 8080) ==
          "default-src 'self'; frame-ancestors 'none'; connect-src 'self' http://127.0.0.1:8080");
    CHECK(admin_content_security_policy("[::1]:8081", 8080).ends_with(" http://[::1]:8080"));
    CHECK(admin_content_security_policy("", 8080).ends_with("connect-src 'self'"));
}
