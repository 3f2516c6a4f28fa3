#pragma once
// Thousands of connections need thousands of descriptors: lift the soft limit to the hard one.
// Used by the server and by ranking-load.

#include <cstddef>

namespace ranking {

struct OpenFileLimit {
    long soft = -1; // -1: getrlimit failed; LONG_MAX: unlimited
    long hard = -1;
};

// Lifts the soft RLIMIT_NOFILE to the hard one; returns the limits in force afterwards.
OpenFileLimit raise_open_file_limit() noexcept;

// Descriptors a server keeps for other things than data connections: listeners, the admin
// plane's connections, the store's database, WAL and shared-memory files, logs, the pool.
inline constexpr long descriptor_reserve = 256;
inline constexpr std::size_t max_connections_ceiling = 1'000'000; // as --max-connections allows

// The default --max-connections for an open-file limit `soft`: the limit less the reserve, at
// least 16, at most the ceiling (an unlimited limit, LONG_MAX, gives the ceiling; an unknown
// one, -1, is taken as Linux's usual 1024).
std::size_t default_max_connections(long soft) noexcept;

} // namespace ranking
