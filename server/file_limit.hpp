#pragma once
// Thousands of connections need thousands of descriptors: lift the soft limit to the hard one.

namespace ranking {

// Returns the soft RLIMIT_NOFILE in force afterwards.
long raise_open_file_limit() noexcept;

} // namespace ranking
