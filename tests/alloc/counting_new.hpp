#pragma once
// Counts calls to the global operator new, per thread. counting_new.cpp replaces every form of
// the global operator new/delete, so it belongs in a test binary of its own (alloc_tests).
//
// Only the calling thread is counted, and only between start_counting() and stop_counting(): the
// alloc tests turn it on for the server's loop thread by posting to it.
//
// RANKING_ALLOC_TRACE set in the environment: each counted allocation also prints its size and a
// symbolized backtrace (inlined frames included) to stderr, the first 40 of the process, or the
// first N with RANKING_ALLOC_TRACE=N.
#include <cstdint>

namespace ranking::alloc_count {

// This thread: resets its count and counts from now on.
void start_counting();

// This thread: stops counting and returns the count since start_counting().
std::uint64_t stop_counting();

} // namespace ranking::alloc_count
