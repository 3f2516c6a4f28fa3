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

// Seconds the thread has waited on a run queue since it started (schedstat's second field).
std::optional<double> runnable_seconds(pid_t tid);

} // namespace ranking
