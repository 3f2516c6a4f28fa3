#pragma once
// The calling thread's scheduling (Linux, per thread): read it, lower it. The hash pool's
// threads lower themselves at start-up so that the loop thread outranks them.
#include "background_priority.hpp"
#include "net.hpp"

#include <boost/asio/thread_pool.hpp>

#include <string>
#include <sys/types.h>
#include <vector>

namespace ranking {

struct ThreadSchedule {
    int policy = -1; // SCHED_OTHER, SCHED_IDLE, ...; -1 if it could not be read
    int nice = 0;    // this thread's own nice value
};

ThreadSchedule this_thread_schedule() noexcept;
ThreadSchedule thread_schedule(pid_t tid) noexcept; // any thread of this process, by its tid

// Lowers the calling thread: SCHED_IDLE, or `nice` steps more nice (capped at 19); nothing for
// normal. Empty on success, else what failed and why.
std::string lower_this_thread(BackgroundPriority priority);

// Runs lower_this_thread once on each of the `threads` threads of `pool` (each job waits until
// all have started, so no thread takes two) and returns when all are done: the failures, if any.
std::vector<std::string> lower_pool_threads(net::thread_pool& pool, unsigned threads,
                                            BackgroundPriority priority);

} // namespace ranking
