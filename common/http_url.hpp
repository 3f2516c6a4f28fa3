#pragma once
// "http://host:port" as given on command lines (--url, --admin-url), and a service's base URL
// with a path (--federation-url).
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

struct HttpEndpoint {
    std::string host;
    std::string port; // a service string, as the resolver takes it
};

// Only plain http with no path beyond "/"; the port defaults to 80.
std::optional<HttpEndpoint> parse_http_url(std::string_view url);

struct ServiceUrl {
    HttpEndpoint endpoint;
    std::string path; // "" or "/ratings": requests go to path + "/" + what is asked for
};

// Plain http with a path (its trailing '/' dropped), no query, no user info; port 80 by default.
std::optional<ServiceUrl> parse_service_url(std::string_view url);

} // namespace ranking
