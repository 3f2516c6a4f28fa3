#include "stack_sampler.hpp"

#include <execinfo.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <mutex>

namespace ranking::stack_sampler {
namespace {

constexpr std::size_t ring_size = 64;
constexpr int max_frames = 64;

// One request's slot: the watchdog writes `ticket` before it signals; the handler fills the
// frames and publishes them by writing `done`. The ticket travels in the signal's value, so that
// two servers in one process (tests) never take each other's samples.
struct Slot {
    std::atomic<std::uint64_t> ticket{0};
    std::atomic<std::uint64_t> done{0};
    std::int64_t at_ns = 0;
    int depth = 0;
    std::array<void*, max_frames> frames{};
};

std::array<Slot, ring_size> ring;
std::atomic<std::uint64_t> next_ticket{1};
int sample_signal = 0;

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
    if (info->si_code == SI_QUEUE && slot.ticket.load(std::memory_order_acquire) == ticket) {
        std::array<void*, max_frames> raw{};
        const int n = ::backtrace(raw.data(), max_frames);
        const void* pc = interrupted_at(context);
        int first = 0;
        for (int i = 0; i < n; ++i)
            if (raw[static_cast<std::size_t>(i)] == pc) {
                first = i;
                break;
            }
        slot.depth = n - first;
        for (int i = first; i < n; ++i)
            slot.frames[static_cast<std::size_t>(i - first)] = raw[static_cast<std::size_t>(i)];
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        slot.at_ns = now.tv_sec * 1'000'000'000LL + now.tv_nsec;
        slot.done.store(ticket, std::memory_order_release);
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
        sample_signal = SIGRTMIN;
        struct sigaction action {};
        action.sa_sigaction = on_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        installed = ::sigaction(sample_signal, &action, nullptr) == 0;
    });
    return installed;
}

std::optional<std::uint64_t> request(pid_t tid) {
    if (sample_signal == 0) return std::nullopt;
    const auto ticket = next_ticket.fetch_add(1);
    Slot& slot = ring[ticket % ring_size];
    slot.done.store(0, std::memory_order_relaxed);
    slot.ticket.store(ticket, std::memory_order_release);
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
    const Slot& slot = ring[ticket % ring_size];
    if (slot.done.load(std::memory_order_acquire) != ticket) return std::nullopt;
    RawStack stack{slot.at_ns, {slot.frames.begin(), slot.frames.begin() + slot.depth}};
    if (slot.ticket.load(std::memory_order_acquire) != ticket) return std::nullopt; // reused
    return stack;
}

} // namespace ranking::stack_sampler
