#include "http_url.hpp"

#include <boost/url/parse.hpp>

namespace ranking {

std::optional<ServiceUrl> parse_service_url(std::string_view url) {
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || parsed->scheme() != "http" || !parsed->has_authority()) return std::nullopt;
    if (parsed->has_query() || parsed->has_fragment() || parsed->has_userinfo())
        return std::nullopt;
    std::string host = parsed->host_address();
    if (host.empty()) return std::nullopt;
    std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
    if (port.empty()) return std::nullopt;
    std::string path(parsed->encoded_path());
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return ServiceUrl{HttpEndpoint{std::move(host), std::move(port)}, std::move(path)};
}

std::optional<HttpEndpoint> parse_http_url(std::string_view url) {
    auto service = parse_service_url(url);
    if (!service || !service->path.empty()) return std::nullopt;
    return std::move(service->endpoint);
}

} // namespace ranking
