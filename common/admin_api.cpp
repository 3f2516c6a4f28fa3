#include "admin_api.hpp"

#include "json_shapes.hpp"

namespace ranking {

Reply answer_admin_request(std::string_view method, std::string_view target, std::string_view body,
                           std::atomic<WorkPlacement>& mode) {
    const auto path = target.substr(0, target.find('?'));
    if (path == "/healthz") {
        if (method != "GET") return method_not_allowed(method, "GET");
        return json_reply(200, health_json(mode.load()));
    }
    if (path != "/mode") return error_reply(404, "no such endpoint");
    if (method == "GET") return json_reply(200, {{"mode", to_string(mode.load())}});
    if (method != "PUT") return method_not_allowed(method, "GET, PUT");
    const auto wanted = parse_mode(body);
    if (!wanted) return error_reply(400, "body must be 'inline' or 'offload'");
    const auto previous = mode.exchange(*wanted);
    return json_reply(200, {{"mode", to_string(*wanted)}, {"previous", to_string(previous)}});
}

} // namespace ranking
