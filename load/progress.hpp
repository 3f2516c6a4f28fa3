#pragma once
// One line a second on stderr while the run goes: phase, rates, in flight, p99 so far, errors.
#include "net.hpp"
#include "run_plan.hpp"
#include "stats.hpp"

#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <vector>

namespace ranking::load {

class ProgressLine {
public:
    // The recorders must outlive run(); they are read under their own locks.
    ProgressLine(net::any_io_executor executor, std::vector<const Recorder*> recorders,
                 const RunPlan& plan, std::optional<double> offered_rate, bool print);

    // Prints each second from `start` until stop(), or just waits for stop() when not printing.
    net::awaitable<void> run(Clock::time_point start);

    // On the executor's thread: the run is over.
    void stop();

private:
    LiveCounters totals() const;

    net::steady_timer timer_;
    std::vector<const Recorder*> recorders_;
    const RunPlan& plan_;
    std::optional<double> offered_rate_;
    bool print_;
    bool stopped_ = false;
};

} // namespace ranking::load
