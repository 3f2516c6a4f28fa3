#pragma once
// "http://host:port" as given on command lines (--url, --admin-url).
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

} // namespace ranking
