#pragma once
// A thread (never the loop itself) that notices when the loop's heartbeat goes stale past
// --stall-warn-ms, says while it lasts who holds the loop, samples the loop thread's stack (at the
// threshold, then each time the stall doubles), reads the system call it waits in, and records
// the stall when it ends: whether it burned CPU or waited, and where.
#include "load_levels.hpp"
#include "loop_watch.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ranking {

class Watchdog {
public:
    Watchdog(LoopWatch& watch, const LoadLevels& levels, std::chrono::milliseconds stall_warn);
    ~Watchdog(); // stops and joins the thread
    // Any thread: the threshold from the next poll on (a reload).
    void set_stall_warn(std::chrono::milliseconds stall_warn) {
        stall_warn_ms_ = stall_warn.count();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    void run();

    LoopWatch& watch_;
    const LoadLevels& levels_;
    std::atomic<std::chrono::milliseconds::rep> stall_warn_ms_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ranking
