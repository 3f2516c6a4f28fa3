#pragma once
// A pool of keep-alive connections fed by an open-loop plan: each request is due at a planned
// time, an idle connection takes it, and when none is idle it waits in a queue (and that wait
// counts). With no rate the connections run closed-loop, for measuring throughput only.
#include "client_connection.hpp"
#include "http_url.hpp"
#include "mix.hpp"
#include "net.hpp"
#include "run_plan.hpp"
#include "schedule.hpp"
#include "stats.hpp"
#include "wait_group.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace ranking::load {

// A kept-alive connection the server has since closed fails like this on its next use.
bool stale_connection(const error_code& ec);

struct StreamConfig {
    HttpEndpoint server;
    unsigned connections = 1;
    std::optional<double> rate; // requests per second; nothing: closed loop
    Arrivals arrivals = Arrivals::uniform;
    std::uint64_t seed = 1;
    nanoseconds first_due{}; // offset of the first arrival (interleaves uniform shards)
    milliseconds timeout{10'000};
    std::string authorization; // "Bearer TOKEN" on every request (a server's write token), or empty
};

// The connections could not all be opened; what() says why in the user's terms.
struct RampError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class LoadStream {
public:
    LoadStream(net::any_io_executor executor, StreamConfig config,
               std::function<PlannedRequest()> next_request, const RunPlan& plan,
               Recorder& recorder);
    ~LoadStream();
    LoadStream(const LoadStream&) = delete;
    LoadStream& operator=(const LoadStream&) = delete;

    // Opens every connection, a window at a time; throws RampError on the first failure.
    net::awaitable<void> open();

    // Runs the plan from `start` until the end, then drains until the deadline.
    net::awaitable<void> run(Clock::time_point start);

private:
    struct Job {
        PlannedRequest request;
        Clock::time_point due;
        bool waited = false;                     // queued because every connection was busy
        std::optional<nanoseconds> dispatch_lag; // the tool's lateness in queueing it
    };
    struct Slot;

    net::awaitable<void> connect_slot(Slot& slot, error_code& result, WaitGroup& group);
    net::awaitable<void> dispatch(WaitGroup& group);
    net::awaitable<void> serve(Slot& slot, WaitGroup& group);
    net::awaitable<void> execute(Slot& slot, Job job);
    net::awaitable<void> sample(WaitGroup& group);
    net::awaitable<void> enforce_deadline(WaitGroup& group);
    std::optional<Job> take_job();
    void wake_idle();

    net::any_io_executor executor_;
    StreamConfig config_;
    std::function<PlannedRequest()> next_request_;
    const RunPlan& plan_;
    Recorder& recorder_;
    std::optional<ArrivalPlan> arrivals_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::deque<Slot*> idle_; // first in, first out: every connection stays warm
    std::deque<Job> backlog_;
    Clock::time_point start_{};
    net::steady_timer tick_;     // the once-a-second in-flight sample
    net::steady_timer deadline_; // the drain deadline
    bool dispatching_ = false;
    bool stopped_ = false;  // the drain deadline passed
    bool finished_ = false; // every connection is done
};

} // namespace ranking::load
