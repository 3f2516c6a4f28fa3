#include "loop_thread.hpp"

#include <pthread.h>
#include <unistd.h>

namespace ranking {
namespace {

std::optional<double> cpu_seconds_of(clockid_t clock) {
    timespec used{};
    if (::clock_gettime(clock, &used) != 0) return std::nullopt;
    return static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
}

} // namespace

void LoopThread::bind() {
    id_.store(std::this_thread::get_id());
    tid_.store(::gettid());
    clockid_t clock{};
    if (::pthread_getcpuclockid(::pthread_self(), &clock) != 0) return;
    // From now on: what the thread did before it became the loop (start-up, calibration) is not
    // the loop's.
    const auto used = cpu_seconds_of(clock);
    if (!used) return;
    cpu_clock_.store(clock);
    cpu_at_bind_.store(*used);
    has_cpu_clock_.store(true, std::memory_order_release);
}

std::optional<double> LoopThread::cpu_seconds() const {
    if (!has_cpu_clock_.load(std::memory_order_acquire)) return std::nullopt;
    const auto used = cpu_seconds_of(cpu_clock_.load());
    if (!used) return std::nullopt;
    return *used - cpu_at_bind_.load();
}

} // namespace ranking
