#include "admin_routes.hpp"

#include "admin_api.hpp"
#include "live_feed.hpp"
#include "token.hpp"

#include <fstream>
#include <memory>
#include <sstream>

namespace ranking {
namespace {

std::string content_type_of(const std::string& file) {
    if (file.ends_with(".html")) return "text/html; charset=utf-8";
    if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (file.ends_with(".css")) return "text/css; charset=utf-8";
    return "application/octet-stream";
}

Reply dashboard_file(const std::string& name, const AdminContext& context) {
    const auto it = context.dashboard.find(name);
    if (it == context.dashboard.end())
        return error_reply(404, "dashboard file '" + name + "' not found in " +
                                    context.dashboard_directory.string());
    Reply reply;
    reply.body = it->second;
    reply.content_type = content_type_of(name);
    return reply;
}

} // namespace

std::map<std::string, std::string> load_dashboard(const std::filesystem::path& directory) {
    std::map<std::string, std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        files[entry.path().filename().string()] = text.str();
    }
    return files;
}

namespace {

// 401 without a token, 403 with a wrong one; nothing when the plane needs none or it matches.
std::optional<Reply> refuse_unauthorized(const IncomingRequest& request, const std::string& token) {
    if (token.empty()) return std::nullopt;
    std::string offered;
    if (request.authorization.starts_with("Bearer ")) offered = request.authorization.substr(7);
    const auto query = request.target.find("?token=");
    if (offered.empty() && query != std::string::npos) offered = request.target.substr(query + 7);
    if (offered.empty()) return error_reply(401, "this admin plane needs a token");
    if (!constant_time_equal(offered, token)) return error_reply(403, "wrong admin token");
    return std::nullopt;
}

} // namespace

net::awaitable<Reply> answer_admin(IncomingRequest request, AdminContext& context) {
    if (auto refused = refuse_unauthorized(request, context.token)) co_return *refused;
    const auto path = request.target.substr(0, request.target.find('?'));
    const bool is_get = request.method == "GET";
    if (path == "/metrics" && is_get) {
        Reply reply;
        reply.body = ServerMetrics::serialize(context.metrics.collect(
            context.levels, context.mode.load(), context.watch.loop_cpu_seconds()));
        reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
        co_return reply;
    }
    if (path == "/events" && is_get) {
        auto feed = std::make_shared<LiveFeed>(context.metrics, context.watch, context.levels,
                                               context.mode);
        Reply reply;
        reply.events = EventSource{[feed] { return std::optional(feed->next_sample()); },
                                   std::chrono::milliseconds(250)};
        co_return reply;
    }
    if (path == "/" && is_get) co_return dashboard_file("index.html", context);
    if (path.size() > 1 && is_get && path.find('/', 1) == std::string::npos &&
        context.dashboard.count(path.substr(1)))
        co_return dashboard_file(path.substr(1), context);
    if ((path == "/metrics" || path == "/events" || path == "/") && !is_get)
        co_return method_not_allowed(request.method, "GET");
    co_return answer_admin_request(request.method, request.target, request.body, context.mode);
}

} // namespace ranking
