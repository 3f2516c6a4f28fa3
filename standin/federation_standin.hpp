#pragma once
// A stand-in for a chess federation's rating service, for demos and tests: NOT the real service.
// GET {prefix}/{name} answers {"name":...,"federation":"FIDE","rating":R,"title":null} after a
// latency (a timer: many requests wait at once on its one thread), R fixed by the name. It can
// misbehave on purpose, as a remote service does: a 500, a 200 that is not JSON, bytes that are
// not HTTP, a connection reset mid-head. On its own thread and io_context; it reads requests with
// Beast's parser but writes its answers as raw bytes, so that it answers however badly it is
// told to (the project's HTTP server would refuse to).
#include "net.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace ranking {

struct FederationStandinConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;          // 0: a free port, see port()
    std::string prefix = "/ratings"; // trailing '/' dropped; "" serves GET /{name}
    std::chrono::milliseconds latency{50};
    std::uint64_t seed = 1; // of the failure draws: request N fails or not, the same every run
};

class FederationStandin {
public:
    // What a rating request gets. ok: the rating. status_500: 500 with a JSON error. garbage:
    // 200, application/json, a body that is not JSON. not_http: a line that is not an HTTP
    // status line, then close. reset: the first bytes of a valid head, then an RST.
    enum class Behaviour { ok, status_500, garbage, not_http, reset };

    // Listening when constructed (throws boost::system::system_error if it cannot bind), served
    // on a thread of its own until destroyed.
    explicit FederationStandin(FederationStandinConfig config = {});
    ~FederationStandin(); // stops the loop, closes every connection, joins the thread
    FederationStandin(const FederationStandin&) = delete;
    FederationStandin& operator=(const FederationStandin&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // "http://127.0.0.1:PORT/ratings": the base a ranking-server takes as --federation-url.
    std::string url() const;

    // Settable from any thread at any time; each request reads them when its answer is due.
    // While the failure rate is 0 (the start), every rating request gets `behaviour` (ok at the
    // start). With a rate in (0, 1], that share of them, drawn from the seed, gets `fail_with`
    // and the others ok: 1 fails every one.
    void set_behaviour(Behaviour behaviour) noexcept { behaviour_ = behaviour; }
    void set_fail_with(Behaviour failure) noexcept { fail_with_ = failure; }
    void set_failure_rate(double rate) noexcept; // clamped to [0, 1]
    void set_latency(std::chrono::milliseconds latency) noexcept { latency_ms_ = latency.count(); }
    // Closes each connection right after its answer, though the answer offered to keep it: a
    // service whose keep-alive time is shorter than its clients' (they find it closed).
    void set_drop_kept(bool drop) noexcept { drop_kept_ = drop; }

    // Counters, readable from any thread.
    std::uint64_t requests() const noexcept { return requests_; } // heads read
    std::uint64_t connections_accepted() const noexcept { return accepted_; }
    std::uint64_t connections_open() const noexcept { return open_; }           // now
    std::uint64_t most_connections_open() const noexcept { return most_open_; } // at once

    // The rating of `name`: 1000 + FNV-1a(name) % 1800, the same for the same name.
    static int rating_for(std::string_view name) noexcept;

private:
    struct Answer;
    net::awaitable<void> accept_loop();
    net::awaitable<void> serve(tcp::socket socket);
    Behaviour draw(std::uint64_t request_number) const noexcept;
    void opened() noexcept;

    FederationStandinConfig config_;
    std::atomic<Behaviour> behaviour_{Behaviour::ok};
    std::atomic<Behaviour> fail_with_{Behaviour::status_500};
    std::atomic<double> failure_rate_{0};
    std::atomic<std::int64_t> latency_ms_;
    std::atomic<bool> drop_kept_{false};
    std::atomic<std::uint64_t> requests_{0};
    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> open_{0};
    std::atomic<std::uint64_t> most_open_{0};
    // After the counters: the connections' frames, destroyed with the loop, count themselves
    // closed on the way out.
    net::io_context loop_{1};
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// "ok", "500", "garbage", "not-http", "reset", and back; ranking-federation-standin's --fail-with
// takes all but "ok".
std::string_view to_string(FederationStandin::Behaviour behaviour) noexcept;
std::optional<FederationStandin::Behaviour>
parse_federation_behaviour(std::string_view text) noexcept;

} // namespace ranking
