#pragma once
// Tells systemd (Type=notify) what the server is doing: ready once it listens, reloading on
// SIGHUP, stopping on SIGTERM; and, under WatchdogSec=, that the data loop is alive. The
// watchdog pings go from the admin loop, and only while the data loop's heartbeat is fresh: a
// loop held longer than the watchdog's interval stops them, and systemd restarts the service.
// Started by anything else (no NOTIFY_SOCKET), every call does nothing.
#include "heartbeat.hpp"
#include "net.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace ranking {

class SystemdNotifier {
public:
    explicit SystemdNotifier(net::io_context& admin_loop);

    void ready(const std::string& status) const; // any thread
    void reloading() const;
    void stopping() const;
    // Before the admin loop runs: pings every half interval while `heartbeat` is fresher than
    // that. Nothing when systemd set no watchdog.
    void start_watchdog(const Heartbeat& heartbeat);
    std::optional<std::chrono::microseconds> watchdog_interval() const { return interval_; }

private:
    void ping_later(const Heartbeat& heartbeat);

    std::optional<std::chrono::microseconds> interval_; // WATCHDOG_USEC, when ours
    net::steady_timer tick_;
};

} // namespace ranking
