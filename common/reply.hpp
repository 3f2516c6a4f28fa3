#pragma once
// A transport-free HTTP answer: the domain decides status and JSON body, server/ sends it.
#include "memory_budget.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

// Server-sent events: called every `interval` on the serving thread; nothing ends the stream.
struct EventSource {
    std::function<std::optional<std::string>()> next;
    std::chrono::milliseconds interval{250};
};

struct Reply {
    int status = 200;
    std::string body;
    std::string allow;           // the Allow header of a 405
    int retry_after_seconds = 0; // the Retry-After header of a 503, when positive
    std::string location;        // the Location header of a 201
    std::string content_type = "application/json";
    std::string www_authenticate; // the WWW-Authenticate header of a 401
    // X-Frame-Options DENY: no other page may frame this one (the admin plane's answers, whose
    // dashboard has a button a framing page could click). Their CSP says so too.
    bool no_framing = false;
    std::string content_security_policy; // sent when not empty
    // Access-Control-Allow-Origin (with Vary: Origin) when not empty: the one page elsewhere that
    // may read this answer (the dashboard, timing its own /healthz requests).
    std::string allow_origin;
    std::optional<EventSource> events; // set: body is ignored and the answer streams
    // The body's bytes, charged to the answer budget until the last copy of this reply is gone.
    std::shared_ptr<const MemoryBudget::Lease> held;
};

Reply json_reply(int status, const nlohmann::json& body);

// {"error": message}
Reply error_reply(int status, const std::string& message);

// 503 with Retry-After: 1 and {"error": message}: busy now, worth asking again in a second.
Reply retry_later_reply(const std::string& message);

// 405 with the Allow header, e.g. allow = "GET" or "GET, PUT".
Reply method_not_allowed(std::string_view method, std::string_view allow);

} // namespace ranking
