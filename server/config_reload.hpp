#pragma once
// What a SIGHUP changes while the server runs, and what waits for a restart. The options are
// read again (the command line over the --config file); what differs from the running ones is
// applied when it can change at run time (the stall threshold, the log level, the admin and
// write tokens) and
// named otherwise. The mode is not reloaded: the file's mode applies at start, and a mode set
// through the admin plane stays until the next admin call.
#include "server_options.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ranking {

struct ReloadPlan {
    std::optional<std::chrono::milliseconds> stall_warn;
    std::optional<LogLevel> log_level;
    std::optional<std::string> admin_token; // never printed
    std::optional<std::string> write_token; // never printed
    std::vector<std::string> applied;       // what changes now, for the log
    std::vector<std::string> need_restart;  // options that differ but apply only at start
};

ReloadPlan plan_reload(const ServerOptions& running, const ServerOptions& next);

// `running` once `plan` is applied: what changed is taken from `next`, the rest stays as it ran
// (so that the next reload names again what still waits for a restart).
void adopt_reload(ServerOptions& running, const ServerOptions& next, const ReloadPlan& plan);

} // namespace ranking
