#pragma once
// The admin plane's answers, on the admin thread: mode and health (common/admin_api), the
// Prometheus exposition, the live dashboard and its event stream, the stall reports.
#include "live_history.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "net.hpp"
#include "reply.hpp"
#include "server_connection.hpp"
#include "server_metrics.hpp"
#include "store_verification.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ranking {

// The dashboard's files, read once at start (a missing directory leaves the map empty).
std::map<std::string, std::string> load_dashboard(const std::filesystem::path& directory);

struct AdminContext {
    std::atomic<WorkPlacement>& mode;
    ServerMetrics& metrics;
    const LoopWatch& watch;
    const LoadLevels& levels;
    LiveHistory& history;                         // what /events sends
    std::uint16_t data_port;                      // the dashboard's own /healthz requests go there
    std::map<std::string, std::string> dashboard; // by file name
    std::filesystem::path dashboard_directory;
    std::string token; // empty: no auth; else 'Authorization: Bearer TOKEN', never the URL
    // The names this plane answers to (its Host and same-origin checks): loopback names, the
    // bound address and --admin-host names.
    std::vector<std::string> own_names;
    StoreVerification& verification; // POST /verify
};

net::awaitable<Reply> answer_admin(IncomingRequest request, AdminContext& context);

} // namespace ranking
