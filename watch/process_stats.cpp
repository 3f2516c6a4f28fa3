#include "process_stats.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ranking {

namespace {

std::optional<std::string> read_text(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    // /proc files claim a size of 0: read to the end rather than by their size.
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return std::nullopt;
    return text;
}

std::optional<double> to_number(std::string_view word) {
    unsigned long long value = 0;
    const auto* end = word.data() + word.size();
    const auto [stop, error] = std::from_chars(word.data(), end, value);
    if (error != std::errc{} || stop != end) return std::nullopt;
    return static_cast<double>(value);
}

// /proc/self/stat's fields from the third (the state) on. The second, the command name in
// parentheses, may itself hold spaces and ')': the fields start after the last ')'.
std::vector<std::string_view> stat_fields(std::string_view stat) {
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos) return {};
    std::vector<std::string_view> fields;
    auto rest = stat.substr(close + 1);
    while (true) {
        const auto start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const auto length = std::min(rest.find_first_of(" \n"), rest.size());
        fields.push_back(rest.substr(0, length));
        rest.remove_prefix(length);
    }
    return fields;
}

// Field `number` of /proc/self/stat, numbered from 1 as proc(5) numbers them.
std::optional<double> stat_field(const std::vector<std::string_view>& fields, std::size_t number) {
    const std::size_t at = number - 3;
    return at < fields.size() ? to_number(fields[at]) : std::nullopt;
}

// The boot time, unix seconds: /proc/stat's "btime" line.
std::optional<double> boot_time() {
    const auto stat = read_text("/proc/stat");
    if (!stat) return std::nullopt;
    std::string_view text = *stat;
    const std::string_view key = "btime ";
    for (std::size_t at = 0; at < text.size();) {
        const auto end = std::min(text.find('\n', at), text.size());
        const auto line = text.substr(at, end - at);
        if (line.starts_with(key)) return to_number(line.substr(key.size()));
        at = end + 1;
    }
    return std::nullopt;
}

// Counts the descriptor that reads the directory too, as the Go and Python clients do.
std::optional<double> open_fds() {
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc/self/fd"), closedir);
    if (!dir) return std::nullopt;
    double count = 0;
    errno = 0;
    while (const dirent* entry = readdir(dir.get()))
        if (entry->d_name[0] != '.') ++count;
    if (errno != 0) return std::nullopt;
    return count;
}

} // namespace

ProcessStats read_process_stats() {
    ProcessStats stats;
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK)); // per second
    const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
    if (const auto stat = read_text("/proc/self/stat")) {
        const auto fields = stat_fields(*stat);
        const auto user = stat_field(fields, 14);
        const auto system = stat_field(fields, 15);
        if (user && system && ticks > 0) stats.cpu_seconds = (*user + *system) / ticks;
        stats.virtual_bytes = stat_field(fields, 23);
        if (const auto pages = stat_field(fields, 24); pages && page > 0)
            stats.resident_bytes = *pages * page;
        const auto started = stat_field(fields, 22); // ticks after boot
        if (const auto boot = boot_time(); boot && started && ticks > 0)
            stats.start_time_seconds = *boot + *started / ticks;
    }
    stats.open_fds = open_fds();
    if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0)
        stats.max_fds = static_cast<double>(limit.rlim_cur);
    return stats;
}

} // namespace ranking
