#pragma once
// The process's own resources, read from Linux's /proc as Prometheus' Go and Python clients read
// them, for the conventional process_* families on /metrics. A field is empty when its read
// failed: its family is then left out rather than shown with a made-up value.
#include <optional>

namespace ranking {

struct ProcessStats {
    std::optional<double> cpu_seconds;        // user + system, every thread (/proc/self/stat)
    std::optional<double> resident_bytes;     // resident set size (/proc/self/stat)
    std::optional<double> virtual_bytes;      // virtual memory size (/proc/self/stat)
    std::optional<double> open_fds;           // entries of /proc/self/fd
    std::optional<double> max_fds;            // the soft RLIMIT_NOFILE
    std::optional<double> start_time_seconds; // unix time: /proc/stat's btime + start ticks
};

// Blocking file reads: call it from the admin thread, never from the data loop.
ProcessStats read_process_stats();

} // namespace ranking
