#include "limits.hpp"

#include "file_limit.hpp"

#include <cerrno>
#include <fstream>

namespace ranking::load {
namespace {

// Descriptors the tool needs besides its connections: stdio, epoll, control connections, files.
constexpr std::size_t spare_descriptors = 32;

std::optional<std::size_t> local_port_count() {
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    std::size_t low = 0;
    std::size_t high = 0;
    if (!(range >> low >> high) || high < low) return std::nullopt;
    return high - low + 1;
}

} // namespace

std::optional<std::string> check_capacity(std::size_t connections) {
    const auto limit = raise_open_file_limit();
    const auto needed = connections + spare_descriptors;
    if (limit.soft >= 0 && needed > static_cast<std::size_t>(limit.soft))
        return std::to_string(connections) + " connections need about " + std::to_string(needed) +
               " open files, but the limit is " + std::to_string(limit.soft) + " (hard limit " +
               std::to_string(limit.hard) +
               "); use fewer --connections or raise the hard limit (ulimit -Hn)";
    if (const auto ports = local_port_count(); ports && connections > *ports)
        return std::to_string(connections) + " connections to one server need as many local " +
               "ports, but net.ipv4.ip_local_port_range holds only " + std::to_string(*ports);
    return std::nullopt;
}

std::string explain_connect_failure(const error_code& ec, const HttpEndpoint& server,
                                    std::size_t opened, std::size_t wanted) {
    const std::string where = "http://" + server.host + ":" + server.port;
    const std::string progress =
        " (after " + std::to_string(opened) + " of " + std::to_string(wanted) + " connections)";
    if (ec == net::error::connection_refused)
        return "nothing listens on " + where + ": is ranking-server running?" + progress;
    if (ec.value() == EMFILE || ec.value() == ENFILE)
        return "out of file descriptors" + progress + ": use fewer --connections";
    if (ec.value() == EADDRNOTAVAIL)
        return "out of local ports" + progress +
               ": use fewer --connections or widen net.ipv4.ip_local_port_range";
    return "cannot connect to " + where + progress + ": " + ec.message();
}

} // namespace ranking::load
