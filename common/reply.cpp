#include "reply.hpp"

#include <nlohmann/json.hpp>

namespace ranking {

Reply json_reply(int status, const nlohmann::json& body) {
    // Replace invalid UTF-8 rather than throw: an echoed bad name must still produce an answer.
    Reply reply;
    reply.status = status;
    reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return reply;
}

Reply error_reply(int status, const std::string& message) {
    return json_reply(status, nlohmann::json{{"error", message}});
}

Reply retry_later_reply(const std::string& message) {
    auto reply = error_reply(503, message);
    reply.retry_after_seconds = 1;
    return reply;
}

Reply method_not_allowed(std::string_view method, std::string_view allow) {
    auto reply = error_reply(405, "method " + std::string(method) + " not allowed; use " +
                                      std::string(allow));
    reply.allow = allow;
    return reply;
}

} // namespace ranking
