#pragma once
// Which thread runs the data loop, and that thread's CPU clock: the honest busy total (Beast's
// parsing and writing and Asio's work included, not only our handler scopes). Bound once by the
// loop thread; read from any thread.
#include <atomic>
#include <ctime>
#include <optional>
#include <sys/types.h>
#include <thread>

namespace ranking {

class LoopThread {
public:
    // Called on the thread that is to run the loop: it becomes the loop thread, and its CPU clock
    // the busy clock.
    void bind();
    bool is_current() const { return std::this_thread::get_id() == id_.load(); }
    // The loop thread's kernel id (for a signal or /proc/self/task/TID), 0 before bind().
    pid_t tid() const { return tid_.load(); }
    // Any thread, while the loop thread lives: the CPU time the loop thread has used since
    // bind(), from its thread CPU clock (pthread_getcpuclockid); nothing before.
    std::optional<double> cpu_seconds() const;

private:
    std::atomic<std::thread::id> id_{};
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> has_cpu_clock_{false};
    std::atomic<clockid_t> cpu_clock_{};
    std::atomic<double> cpu_at_bind_{0};
};

} // namespace ranking
