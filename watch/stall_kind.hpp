#pragma once
// Whether a stall burned CPU on the loop thread (a hash, a large export's JSON) or waited (fsync,
// a blocking driver, a sleep). Judged by the loop thread's state, read by the watchdog at each of
// its polls while the stall lasts: waiting in a system call, or not. Not by the thread's CPU clock
// against the wall clock: on a virtual machine whose host takes the CPU away (steal), a hash on the
// loop measured 104 ms of CPU time and no run-queue wait over a 211 ms stall; the CPU time and
// the run-queue wait are reported beside the kind, as measured.
#include <array>
#include <string_view>

namespace ranking {

enum class StallKind { cpu, blocked };
inline constexpr std::array stall_kinds{StallKind::cpu, StallKind::blocked};

constexpr std::string_view to_string(StallKind kind) {
    return kind == StallKind::cpu ? "cpu" : "blocked";
}

// blocked when the loop thread was seen waiting in a system call at more than half of the polls.
constexpr StallKind classify_stall(int polls_waiting, int polls) {
    return 2 * polls_waiting > polls ? StallKind::blocked : StallKind::cpu;
}

} // namespace ranking
