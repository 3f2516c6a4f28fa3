#pragma once
// The hypervisor's share of this machine's CPU time over a run (steal, from /proc/stat). On a
// virtual machine, a vCPU that was ready to run but not given a host core delays whatever
// thread it carries, the server's and this tool's alike: a run that saw much of it measured the
// host as much as the server, and a server's canary rises with it whatever its loop does.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ranking::load {

struct CpuTimes {
    std::uint64_t total = 0; // every state's ticks, steal included (guest time is inside user)
    std::uint64_t steal = 0;
};

// The aggregate "cpu" line of a /proc/stat text; nullopt without one, or with fewer than the
// eight fields (user .. steal) that carry steal.
std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat);

// This machine's, now; nullopt where /proc/stat cannot be read.
std::optional<CpuTimes> read_cpu_times();

// Steal between the two readings, in % of all CPU time between them; nullopt if either is
// missing or no time passed.
std::optional<double> steal_percent(const std::optional<CpuTimes>& before,
                                    const std::optional<CpuTimes>& after);

} // namespace ranking::load
