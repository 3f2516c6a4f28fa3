#include "config_reload.hpp"

#include <set>

namespace ranking {
namespace {

// The options a reload applies; any other that differs waits for a restart.
const std::set<std::string> reloadable = {"stall-warn-ms", "log-level", "admin-token-file",
                                          "write-token-file"};

std::optional<std::string> given_value(const ServerOptions& options, const std::string& name) {
    const auto it = options.given.find(name);
    return it == options.given.end() ? std::nullopt : std::optional(it->second);
}

} // namespace

ReloadPlan plan_reload(const ServerOptions& running, const ServerOptions& next) {
    ReloadPlan plan;
    const auto& was = running.server;
    const auto& now = next.server;
    if (now.stall_warn != was.stall_warn) {
        plan.stall_warn = now.stall_warn;
        plan.applied.push_back("--stall-warn-ms " + std::to_string(was.stall_warn.count()) +
                               " -> " + std::to_string(now.stall_warn.count()));
    }
    if (now.log_level != was.log_level) {
        plan.log_level = now.log_level;
        plan.applied.push_back("--log-level " + std::string(to_string(was.log_level)) + " -> " +
                               std::string(to_string(now.log_level)));
    }
    // Compared by content: the same file may hold a new token.
    if (now.admin_token != was.admin_token) {
        plan.admin_token = now.admin_token;
        plan.applied.emplace_back("the admin token");
    }
    if (now.write_token != was.write_token) {
        plan.write_token = now.write_token;
        plan.applied.emplace_back("the write token");
    }
    std::set<std::string> names;
    for (const auto* options : {&running, &next})
        for (const auto& [name, value] : options->given)
            names.insert(name);
    for (const auto& name : names)
        if (!reloadable.contains(name) && given_value(running, name) != given_value(next, name))
            plan.need_restart.push_back("--" + name);
    // A new secret in the same file: tokens signed with the old one would no longer verify, so
    // it waits for a restart like the rest.
    if (running.given.contains("secret-file") &&
        given_value(running, "secret-file") == given_value(next, "secret-file") &&
        now.secret != was.secret)
        plan.need_restart.emplace_back("the secret in --secret-file");
    return plan;
}

void adopt_reload(ServerOptions& running, const ServerOptions& next, const ReloadPlan& plan) {
    if (plan.stall_warn) running.server.stall_warn = *plan.stall_warn;
    if (plan.log_level) running.server.log_level = *plan.log_level;
    if (plan.admin_token) running.server.admin_token = *plan.admin_token;
    if (plan.write_token) running.server.write_token = *plan.write_token;
    for (const auto& name : reloadable) {
        running.given.erase(name);
        if (const auto value = given_value(next, name)) running.given.emplace(name, *value);
    }
}

} // namespace ranking
