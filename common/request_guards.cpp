#include "request_guards.hpp"

#include "token.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ranking {
namespace {

// ASCII, without a copy: these run on the loop for every game posted.
bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool is_own(std::string_view authority, const std::vector<std::string>& own_names) {
    const auto name = host_name_of(authority);
    return !name.empty() && std::any_of(own_names.begin(), own_names.end(), [&](const auto& own) {
        return iequals(host_name_of(own), name);
    });
}

// The port of "name:port" or "[v6]:port"; 0 when there is none.
std::uint16_t port_of(std::string_view authority) {
    const auto close = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close))
        return 0;
    std::uint16_t port = 0;
    const auto digits = authority.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    return ec == std::errc() && end == digits.data() + digits.size() ? port : 0;
}

} // namespace

std::optional<Reply> refuse_without_token(std::string_view authorization, std::string_view expected,
                                          std::string_view realm) {
    if (expected.empty()) return std::nullopt;
    const auto value = trim(authorization);
    const auto space = value.find(' ');
    const bool bearer =
        space != std::string_view::npos && iequals(value.substr(0, space), "bearer");
    if (!bearer) {
        auto reply =
            error_reply(401, "the " + std::string(realm) + " needs 'Authorization: Bearer TOKEN'");
        reply.www_authenticate = "Bearer realm=\"" + std::string(realm) + "\"";
        return reply;
    }
    if (!constant_time_equal(trim(value.substr(space + 1)), expected))
        return error_reply(403, "wrong token for the " + std::string(realm));
    return std::nullopt;
}

std::string_view host_name_of(std::string_view authority) {
    authority = trim(authority);
    if (authority.starts_with('[')) { // [v6]:port
        const auto close = authority.find(']');
        return close == std::string_view::npos ? std::string_view()
                                               : authority.substr(1, close - 1);
    }
    const auto colon = authority.find(':');
    // More than one colon and no brackets: a bare IPv6 address (a configured name), no port.
    if (colon != std::string_view::npos && authority.find(':', colon + 1) == std::string_view::npos)
        authority = authority.substr(0, colon);
    return authority;
}

std::optional<Reply> refuse_foreign_host(std::string_view host,
                                         const std::vector<std::string>& own_names) {
    if (is_own(host, own_names)) return std::nullopt;
    return error_reply(421, "this server does not answer to Host '" + std::string(host) +
                                "' (give its name with --admin-host)");
}

std::optional<Reply> refuse_foreign_origin(std::string_view origin,
                                           const std::vector<std::string>& own_names) {
    if (origin.empty()) return std::nullopt; // not a browser, or a same-origin GET
    for (const std::string_view scheme : {"http://", "https://"})
        if (origin.starts_with(scheme) && is_own(origin.substr(scheme.size()), own_names))
            return std::nullopt;
    return error_reply(403, "requests from the page at '" + std::string(origin) +
                                "' may not change this server");
}

bool is_dashboard_origin(std::string_view origin, const std::vector<std::string>& own_names,
                         std::uint16_t admin_port) {
    constexpr std::string_view scheme = "http://";
    if (!origin.starts_with(scheme)) return false;
    const auto authority = origin.substr(scheme.size());
    return port_of(authority) == admin_port && is_own(authority, own_names);
}

std::string admin_content_security_policy(std::string_view host, std::uint16_t data_port) {
    std::string policy = "default-src 'self'; frame-ancestors 'none'; connect-src 'self'";
    const auto name = host_name_of(host);
    if (name.empty()) return policy;
    const bool v6 = name.find(':') != std::string_view::npos;
    policy.append(" http://").append(v6 ? "[" : "").append(name).append(v6 ? "]:" : ":");
    policy.append(std::to_string(data_port));
    return policy;
}

std::optional<Reply> refuse_unless_json(std::string_view content_type) {
    const auto media_type = trim(content_type.substr(0, content_type.find(';')));
    if (iequals(media_type, "application/json")) return std::nullopt;
    return error_reply(
        415,
        "send the body as 'Content-Type: application/json'" +
            (content_type.empty() ? std::string() : ", not '" + std::string(content_type) + "'"));
}

} // namespace ranking
