#pragma once
// What the kernel says of a thread of this process, from /proc/self/task/TID: the system call it
// waits in, by name ("fdatasync", "clock_nanosleep"; libseccomp's table), and the time it spent
// runnable but waiting for a CPU. What a stalled loop waits for when a signal cannot reach it
// (uninterruptible sleep) or before it does, and whether a slow stretch was the loop's own code or
// a machine with no CPU to give it. Blocking reads of /proc: never on the loop.
#include <sys/types.h>

#include <optional>
#include <string>

namespace ranking {

// Nothing when the thread is on a CPU or runnable, or the file cannot be read.
std::optional<std::string> waiting_syscall(pid_t tid);

// Seconds a thread has waited on a run queue since it started (schedstat's second field),
// through a descriptor kept open: the watchdog reads it at every poll the loop beat, and an open,
// a read and a close each time took about 60 µs on the loop's core (a pinned server's only one).
class RunnableClock {
public:
    RunnableClock() = default;
    ~RunnableClock();
    RunnableClock(const RunnableClock&) = delete;
    RunnableClock& operator=(const RunnableClock&) = delete;

    // Nothing when the file cannot be read; opens it again when `tid` is another thread.
    std::optional<double> seconds(pid_t tid);

private:
    pid_t tid_ = 0;
    int fd_ = -1;
};

} // namespace ranking
