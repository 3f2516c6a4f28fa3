#include "config_reload.hpp"

#include <set>

namespace ranking {

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
    static const std::set<std::string> reloadable = {"stall-warn-ms", "log-level",
                                                     "admin-token-file", "write-token-file"};
    std::set<std::string> names;
    for (const auto* given : {&running.given, &next.given})
        for (const auto& [name, value] : *given)
            names.insert(name);
    for (const auto& name : names) {
        const auto before = running.given.find(name);
        const auto after = next.given.find(name);
        const bool same = before != running.given.end() && after != next.given.end()
                              ? before->second == after->second
                              : before == running.given.end() && after == next.given.end();
        if (!same && !reloadable.contains(name)) plan.need_restart.push_back("--" + name);
    }
    // A new secret in the same file: tokens signed with the old one would no longer verify, so
    // it waits for a restart like the rest.
    const auto secret_file = running.given.find("secret-file");
    if (secret_file != running.given.end() && next.given.contains("secret-file") &&
        next.given.at("secret-file") == secret_file->second && now.secret != was.secret)
        plan.need_restart.emplace_back("the secret in --secret-file");
    return plan;
}

} // namespace ranking
