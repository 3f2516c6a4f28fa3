#include "progress.hpp"

#include <cstdio>
#include <string>

namespace ranking::load {

ProgressLine::ProgressLine(net::any_io_executor executor, std::vector<const Recorder*> recorders,
                           const RunPlan& plan, std::optional<double> offered_rate, bool print)
    : timer_(std::move(executor)), recorders_(std::move(recorders)), plan_(plan),
      offered_rate_(offered_rate), print_(print) {}

LiveCounters ProgressLine::totals() const {
    LiveCounters sum;
    for (const auto* recorder : recorders_)
        sum.merge(recorder->live());
    return sum;
}

void ProgressLine::stop() {
    stopped_ = true;
    timer_.cancel();
}

net::awaitable<void> ProgressLine::run(Clock::time_point start) {
    std::uint64_t done_before = 0;
    std::uint64_t errors_before = 0;
    // A quarter second after each in-flight sample (taken on the whole second) was recorded.
    for (int second = 1; !stopped_; ++second) {
        timer_.expires_at(start + std::chrono::seconds(second) - std::chrono::milliseconds(750));
        if (!print_) timer_.expires_at(net::steady_timer::time_point::max());
        auto [ec] = co_await timer_.async_wait(use_nothrow);
        if (ec || stopped_) break;
        const LiveCounters now = totals();
        const auto at = Clock::now() - start;
        const auto phase = plan_.phase_of(at);
        const std::string label = at < plan_.measured_from() ? "warmup"
                                  : phase                    ? plan_.phases()[*phase].mode
                                                             : "drain";
        char offered[32] = "max";
        if (offered_rate_) std::snprintf(offered, sizeof offered, "%g/s", *offered_rate_);
        std::fprintf(stderr,
                     "ranking-load: %3ds %-8s offered %s done %lu/s in flight %lu (oldest %.0f ms) "
                     "p99 so far %.1f ms errors %lu (+%lu)\n",
                     second - 1, label.c_str(), offered,
                     static_cast<unsigned long>(now.done - done_before),
                     static_cast<unsigned long>(now.in_flight),
                     static_cast<double>(now.oldest_age_us) / 1000.0,
                     static_cast<double>(now.latency.percentile(99)) / 1000.0,
                     static_cast<unsigned long>(now.errors),
                     static_cast<unsigned long>(now.errors - errors_before));
        done_before = now.done;
        errors_before = now.errors;
    }
}

} // namespace ranking::load
