#pragma once
// A listening HTTP endpoint on one io_context: accepts connections and serves each as
// http_session.hpp describes. The data plane and the admin plane are two of these on two threads.
#include "connection_registry.hpp"
#include "http_session.hpp"
#include "net.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>

namespace ranking {

class HttpPlane {
public:
    // Binds and listens at once (backlog 4096), so a bad address fails at start, with an error
    // naming `role` ("data plane"), the address and the port.
    // `plane.registry` must outlive `context` (session frames deregister when the context dies).
    HttpPlane(net::io_context& context, const std::string& role, const std::string& address,
              std::uint16_t port, PlaneSetting plane);

    void start();               // spawns the accept loop
    std::uint16_t port() const; // the bound port (useful with port 0)
    std::string url() const;    // http://address:port
    void begin_stop();          // stop accepting; close idle connections
    bool drained() const noexcept { return plane_.registry.size() == 0; }
    void stop_sweeping(); // once drained: the sweep's timer is the last thing keeping the loop

private:
    net::io_context& context_;
    LoopAcceptor acceptor_;
    PlaneSetting plane_;     // what every connection shares: outlives them all
    tcp::endpoint endpoint_; // kept: the acceptor forgets it once closed
    net::steady_timer sweep_timer_;
    bool sweeping_ = true; // loop thread only
};

} // namespace ranking
