#include "stack_sampler.hpp"

#include <execinfo.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <mutex>

namespace ranking::stack_sampler {
namespace {

constexpr std::size_t ring_size = 64;
constexpr int max_frames = 64;

// One request's slot. The watchdog sets `ticket` before it signals; the handler claims the slot
// by setting the writing bit on that very ticket (so two handlers, or a handler and a new request,
// never write it at once), fills the frames, publishes them in `done`, and lets the claim go.
// The ticket travels in the signal's value, so that two servers in one process (tests) never take
// each other's samples.
constexpr std::uint64_t writing = 1ULL << 63;
static_assert(std::atomic<std::uint64_t>::is_always_lock_free); // safe in a signal handler

// Atomics throughout (relaxed but for the ticket and `done`): a slot reused while the watchdog
// copies it is a torn copy to throw away, never undefined behaviour.
struct Slot {
    std::atomic<std::uint64_t> ticket{0};
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::int64_t> at_ns{0};
    std::atomic<int> depth{0};
    std::array<std::atomic<void*>, max_frames> frames{};
};

std::array<Slot, ring_size> ring;
std::atomic<std::uint64_t> next_ticket{1};
int sample_signal = 0; // set once by install(), before any request

// Where the thread was interrupted: backtrace() starts inside the handler and the kernel's
// signal frame; the interrupted instruction is the first frame that counts.
void* interrupted_at(void* context) {
    const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
    return reinterpret_cast<void*>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return reinterpret_cast<void*>(uc->uc_mcontext.pc);
#else
    (void)uc;
    return nullptr;
#endif
}

void on_signal(int, siginfo_t* info, void* context) {
    const int saved_errno = errno;
    const auto ticket = reinterpret_cast<std::uintptr_t>(info->si_value.sival_ptr);
    Slot& slot = ring[ticket % ring_size];
    auto expected = static_cast<std::uint64_t>(ticket);
    if (info->si_code == SI_QUEUE && slot.ticket.compare_exchange_strong(
                                         expected, ticket | writing, std::memory_order_acquire)) {
        std::array<void*, max_frames> raw{};
        const int n = ::backtrace(raw.data(), max_frames);
        const void* pc = interrupted_at(context);
        int first = 0;
        for (int i = 0; i < n; ++i)
            if (raw[static_cast<std::size_t>(i)] == pc) {
                first = i;
                break;
            }
        slot.depth.store(n - first, std::memory_order_relaxed);
        for (int i = first; i < n; ++i)
            slot.frames[static_cast<std::size_t>(i - first)].store(raw[static_cast<std::size_t>(i)],
                                                                   std::memory_order_relaxed);
        // CLOCK_MONOTONIC: the clock behind libstdc++'s steady_clock, which the watchdog reads.
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        slot.at_ns.store(now.tv_sec * 1'000'000'000LL + now.tv_nsec, std::memory_order_relaxed);
        slot.done.store(ticket, std::memory_order_release);
        slot.ticket.store(ticket, std::memory_order_release);
    }
    errno = saved_errno;
}

} // namespace

bool install() {
    static std::once_flag once;
    static bool installed = false;
    std::call_once(once, [] {
        void* warm[4];
        ::backtrace(warm, 4); // loads libgcc's unwinder now, not inside the handler
        // Not over a handler someone else installed.
        struct sigaction current {};
        if (::sigaction(SIGRTMIN, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) return;
        struct sigaction action {};
        action.sa_sigaction = on_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        if (::sigaction(SIGRTMIN, &action, nullptr) != 0) return;
        sample_signal = SIGRTMIN;
        installed = true;
    });
    return installed;
}

std::optional<std::uint64_t> request(pid_t tid) {
    if (sample_signal == 0) return std::nullopt; // not installed: the signal would kill us
    const auto ticket = next_ticket.fetch_add(1);
    Slot& slot = ring[ticket % ring_size];
    auto previous = slot.ticket.load(std::memory_order_acquire);
    if (previous & writing) return std::nullopt; // a late handler still writes this slot
    slot.done.store(0, std::memory_order_relaxed);
    if (!slot.ticket.compare_exchange_strong(previous, ticket, std::memory_order_release))
        return std::nullopt;
    siginfo_t info{};
    info.si_signo = sample_signal;
    info.si_code = SI_QUEUE; // as sigqueue(3) sends it: the kernel accepts it from this process
    info.si_pid = ::getpid();
    info.si_uid = ::getuid();
    info.si_value.sival_ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(ticket));
    if (::syscall(SYS_rt_tgsigqueueinfo, ::getpid(), tid, sample_signal, &info) != 0)
        return std::nullopt;
    return ticket;
}

std::optional<RawStack> collect(std::uint64_t ticket) {
    Slot& slot = ring[ticket % ring_size];
    if (slot.done.load(std::memory_order_acquire) != ticket) return std::nullopt;
    RawStack stack{slot.at_ns.load(std::memory_order_relaxed), {}};
    const int depth = std::clamp(slot.depth.load(std::memory_order_relaxed), 0, max_frames);
    for (int i = 0; i < depth; ++i)
        stack.frames.push_back(
            slot.frames[static_cast<std::size_t>(i)].load(std::memory_order_relaxed));
    // A seqlock's second look, as a read-modify-write so that the copy above cannot move past it
    // (TSan has no fences): had a new request and its handler reused the slot meanwhile, the copy
    // may be torn.
    if (slot.ticket.fetch_add(0, std::memory_order_acq_rel) != ticket) return std::nullopt;
    return stack;
}

} // namespace ranking::stack_sampler
