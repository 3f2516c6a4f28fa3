#include "systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace ranking {

SystemdNotifier::SystemdNotifier(net::io_context& admin_loop) : tick_(admin_loop) {
    std::uint64_t usec = 0;
    if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        interval_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready(const std::string& status) const {
    ::sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void SystemdNotifier::reloading() const {
    ::sd_notify(0, "RELOADING=1");
}

void SystemdNotifier::stopping() const {
    ::sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::start_watchdog(const Heartbeat& heartbeat) {
    if (interval_) ping_later(heartbeat);
}

void SystemdNotifier::ping_later(const Heartbeat& heartbeat) {
    const auto half = *interval_ / 2;
    tick_.expires_after(half);
    tick_.async_wait([this, &heartbeat, half](const error_code& ec) {
        if (ec) return; // the admin loop stops
        if (Clock::now() - heartbeat.last() < half) ::sd_notify(0, "WATCHDOG=1");
        ping_later(heartbeat);
    });
}

} // namespace ranking
