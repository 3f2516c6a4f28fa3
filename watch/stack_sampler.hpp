#pragma once
// The loop thread's stack at the moment of a stall, taken from inside it: the watchdog signals the
// loop thread (tgkill), and a handler on that thread records the raw return addresses into a
// preallocated ring. The handler allocates nothing and names nothing: glibc's backtrace(), warmed
// up once at install so that its first use loads nothing inside a handler. It takes no lock on
// this platform (glibc 2.35 or later and GCC 12's unwinder find frames with _dl_find_object);
// older ones take the loader's lock in dl_iterate_phdr: a copy of this code there must check.
// Names come later, off the loop (frame_names.hpp). A thread in uninterruptible sleep (fsync) runs
// the handler only when its call returns; the watchdog names such a call from /proc instead.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace ranking {

struct RawStack {
    std::int64_t at_ns = 0;    // CLOCK_MONOTONIC, when the handler ran
    std::vector<void*> frames; // innermost first, from the interrupted instruction outwards
};

namespace stack_sampler {

// Installs the handler on SIGRTMIN once per process; false when the signal cannot be had or
// already has a handler. SA_RESTART: an interrupted read or write carries on. Calls that fail with
// EINTR whatever the flag (poll, epoll_wait, nanosleep, a socket with SO_RCVTIMEO) do so when a
// sample interrupts them: code blocking the loop in them must retry on EINTR (glibc's sleep
// functions and libpq do).
bool install();

// Asks thread `tid` of this process for its stack; the sample lands in the ring when the thread
// runs the handler. Returns the ticket to collect it with, or nothing when the signal failed.
std::optional<std::uint64_t> request(pid_t tid);

// The sample `ticket` asked for, if the thread has run the handler since (and 64 later requests,
// from any server in the process, have not reused its slot).
std::optional<RawStack> collect(std::uint64_t ticket);

} // namespace stack_sampler
} // namespace ranking
