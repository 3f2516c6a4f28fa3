#pragma once
// Thousands of connections need thousands of descriptors: lift the soft limit to the hard one.
// Used by the server and by ranking-load.

namespace ranking {

struct OpenFileLimit {
    long soft = -1; // -1: getrlimit failed; LONG_MAX: unlimited
    long hard = -1;
};

// Lifts the soft RLIMIT_NOFILE to the hard one; returns the limits in force afterwards.
OpenFileLimit raise_open_file_limit() noexcept;

} // namespace ranking
