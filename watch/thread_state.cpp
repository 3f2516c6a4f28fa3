#include "thread_state.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace ranking {
namespace {

std::ifstream task_file(pid_t tid, const char* name) {
    return std::ifstream("/proc/self/task/" + std::to_string(tid) + "/" + name);
}

} // namespace

std::optional<std::string> waiting_syscall(pid_t tid) {
    // "230 0x0 0x0 ..." in a call, "running" on a CPU or a run queue, "-1 ..." outside a call.
    auto file = task_file(tid, "syscall");
    long number = -1;
    if (!(file >> number) || number < 0) return std::nullopt;
    const std::unique_ptr<char, decltype(&std::free)> name(
        seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, static_cast<int>(number)), &std::free);
    return name ? std::string(name.get()) : "syscall " + std::to_string(number);
}

RunnableClock::~RunnableClock() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<double> RunnableClock::seconds(pid_t tid) {
    if (tid != tid_ || fd_ < 0) {
        if (fd_ >= 0) ::close(fd_);
        const auto path = "/proc/self/task/" + std::to_string(tid) + "/schedstat";
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        tid_ = tid;
    }
    // "on-CPU ns, run-queue wait ns, time slices".
    std::array<char, 96> text{};
    const auto got = fd_ >= 0 ? ::pread(fd_, text.data(), text.size() - 1, 0) : -1;
    unsigned long long on_cpu_ns = 0, waiting_ns = 0;
    if (got <= 0 || std::sscanf(text.data(), "%llu %llu", &on_cpu_ns, &waiting_ns) != 2) {
        if (fd_ >= 0) ::close(fd_); // the thread may be gone: open again at the next reading
        fd_ = -1;
        return std::nullopt;
    }
    return static_cast<double>(waiting_ns) / 1e9;
}

} // namespace ranking
