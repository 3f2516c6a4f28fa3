#pragma once
// Checks on who may ask: a bearer token, the Host a request was sent to, the Origin of the page
// that sent it, and the media type of a body. Transport-free: each takes header values and
// answers with the refusal to send, or nothing when the request may go on.
#include "reply.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ranking {

// `expected` empty: no token needed. Else `authorization` must be "Bearer <expected>" (the
// scheme in any case, RFC 9110): 401 with WWW-Authenticate when none is offered, 403 when wrong.
// `realm` names what the token opens, for the 401's header and message.
std::optional<Reply> refuse_without_token(std::string_view authorization, std::string_view expected,
                                          std::string_view realm);

// The host part of a Host header or of an Origin's authority, without port or IPv6 brackets:
// "Localhost:8081" -> "Localhost", "[::1]:8081" -> "::1" (names compare in any case).
std::string_view host_name_of(std::string_view authority);

// 421 when `host` (the Host header) names none of `own_names` (their host_name_of() parts, in any
// case): a page on attacker.example whose name was made to resolve to 127.0.0.1 (DNS
// rebinding) still sends "Host: attacker.example".
std::optional<Reply> refuse_foreign_host(std::string_view host,
                                         const std::vector<std::string>& own_names);

// 403 when `origin` (the Origin header a browser adds) is set and is not http(s) on one of
// `own_names`: another site's page may send requests here, but not change anything.
std::optional<Reply> refuse_foreign_origin(std::string_view origin,
                                           const std::vector<std::string>& own_names);

// True when `origin` is this server's dashboard: http on one of `own_names`, at `admin_port`.
// The data plane lets that page (and no other) read its /healthz answers.
bool is_dashboard_origin(std::string_view origin, const std::vector<std::string>& own_names,
                         std::uint16_t admin_port);

// The admin plane's Content-Security-Policy: its own files only, never framed, and requests to
// the data plane at `data_port` on the name the page was reached by (`host`, its Host header).
std::string admin_content_security_policy(std::string_view host, std::uint16_t data_port);

// 415 unless `content_type` is application/json (parameters such as charset allowed): a browser
// sends a cross-site POST without asking first only for text/plain and two form types.
std::optional<Reply> refuse_unless_json(std::string_view content_type);

} // namespace ranking
