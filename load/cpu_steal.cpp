#include "cpu_steal.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace ranking::load {

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat) {
    constexpr std::string_view label = "cpu ";
    const auto line = proc_stat.substr(0, proc_stat.find('\n'));
    if (line.substr(0, label.size()) != label) return std::nullopt;
    std::istringstream fields{std::string(line.substr(label.size()))};
    // user nice system idle iowait irq softirq steal; guest and guest_nice follow, already
    // counted in user and nice.
    CpuTimes times;
    for (int field = 0; field < 8; ++field) {
        std::uint64_t ticks = 0;
        if (!(fields >> ticks)) return std::nullopt;
        times.total += ticks;
        if (field == 7) times.steal = ticks;
    }
    return times;
}

std::optional<CpuTimes> read_cpu_times() {
    std::ifstream file("/proc/stat");
    std::string first_line;
    if (!std::getline(file, first_line)) return std::nullopt;
    return parse_cpu_times(first_line);
}

std::optional<double> steal_percent(const std::optional<CpuTimes>& before,
                                    const std::optional<CpuTimes>& after) {
    if (!before || !after || after->total <= before->total || after->steal < before->steal)
        return std::nullopt;
    return 100.0 * static_cast<double>(after->steal - before->steal) /
           static_cast<double>(after->total - before->total);
}

} // namespace ranking::load
