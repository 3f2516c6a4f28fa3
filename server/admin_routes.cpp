#include "admin_routes.hpp"

#include "admin_api.hpp"
#include "request_guards.hpp"
#include "stall_report.hpp"

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

Reply text_reply(std::string body, std::string content_type) {
    Reply reply;
    reply.body = std::move(body);
    reply.content_type = std::move(content_type);
    return reply;
}

Reply dashboard_file(const std::string& name, const AdminContext& context) {
    const auto it = context.dashboard.find(name);
    if (it == context.dashboard.end())
        return error_reply(404, "dashboard file '" + name + "' not found in " +
                                    context.dashboard_directory.string());
    return text_reply(it->second, content_type_of(name));
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

// The dashboard's own files need no token: the page must load to ask for it.
bool is_dashboard_file(const std::string& path, const AdminContext& context) {
    return path == "/" || (path.size() > 1 && path.find('/', 1) == std::string::npos &&
                           context.dashboard.count(path.substr(1)));
}

// The request's Host is one of ours: answer_admin checked it.
net::awaitable<Reply> answer_checked(IncomingRequest request, AdminContext& context) {
    const bool is_get = request.method == "GET";
    if (!is_get)
        if (auto refused = refuse_foreign_origin(request.origin, context.own_names))
            co_return std::move(*refused);
    const auto path = request.target.substr(0, request.target.find('?'));
    if (is_get && is_dashboard_file(path, context))
        co_return dashboard_file(path == "/" ? "index.html" : path.substr(1), context);
    if (auto refused = refuse_without_token(request.authorization, context.token, "admin plane"))
        co_return std::move(*refused);
    if (path == "/metrics" && is_get)
        co_return text_reply(
            ServerMetrics::serialize(context.metrics.collect(
                context.levels, context.mode.load(), context.watch.loop_thread.cpu_seconds())),
            "text/plain; version=0.0.4; charset=utf-8");
    if (path == "/events" && is_get) {
        Reply reply;
        reply.events = EventSource{[&history = context.history, seen = std::uint64_t{0}]() mutable {
                                       history.sample_if_due(Clock::now());
                                       return std::optional(history.since(seen));
                                   },
                                   LiveHistory::period};
        co_return reply;
    }
    if (path == "/stalls" && is_get)
        co_return text_reply(stalls_json(context.watch.stalls), "application/json");
    if (path == "/stalls.folded" && is_get)
        co_return text_reply(stalls_folded(context.watch.stalls), "text/plain; charset=utf-8");
    if (path == "/verify" && request.method == "POST") {
        auto replaying = context.verification.answer();
        co_return co_await std::move(replaying);
    }
    if (path == "/verify") co_return method_not_allowed(request.method, "POST");
    if (path == "/metrics" || path == "/events" || path == "/" || path == "/stalls" ||
        path == "/stalls.folded")
        co_return method_not_allowed(request.method, "GET");
    co_return answer_admin_request(request.method, request.target, request.body, context.mode);
}

} // namespace

net::awaitable<Reply> answer_admin(IncomingRequest request, AdminContext& context) {
    // The CSP names the Host only once it is one of ours (a 421 gets the policy without it).
    Reply reply;
    if (auto refused = refuse_foreign_host(request.host, context.own_names)) {
        reply = std::move(*refused);
        reply.content_security_policy = admin_content_security_policy("", context.data_port);
    } else {
        auto policy = admin_content_security_policy(request.host, context.data_port);
        auto answering = answer_checked(std::move(request), context);
        reply = co_await std::move(answering);
        reply.content_security_policy = std::move(policy);
    }
    reply.no_framing = true; // the dashboard's toggle must not be clickable from another page
    co_return reply;
}

} // namespace ranking
