#pragma once
// The loop thread's stack at the moment of a stall, taken from inside it: the watchdog signals the
// loop thread (tgkill), and a handler on that thread records the raw return addresses into a
// preallocated ring. The handler allocates nothing, takes no lock and names nothing: glibc's
// backtrace(), warmed up once at install so that its first use loads nothing inside a handler.
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

// Installs the handler (SA_RESTART: a read or write interrupted by it carries on instead of
// failing with EINTR) once per process. Returns false when the signal cannot be had.
bool install();

// Asks thread `tid` of this process for its stack; the sample lands in the ring when the thread
// runs the handler. Returns the ticket to collect it with, or nothing when the signal failed.
std::optional<std::uint64_t> request(pid_t tid);

// The sample `ticket` asked for, if the thread has run the handler since (and the ring has not
// been overwritten by 64 later samples).
std::optional<RawStack> collect(std::uint64_t ticket);

} // namespace stack_sampler
} // namespace ranking
