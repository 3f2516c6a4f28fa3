// Stall forensics on a bare loop with the server's own instruments (lag probe, watchdog, stack
// sampler): the frames of the code that held the loop, whether it burned CPU or waited, and in
// which system call. Frames and kinds are asserted where signals reach a spinning thread at once
// (release and ASan builds); under TSan, which delivers them only at its next intercepted call, the
// test asserts a clean run and a recorded stall.
#include "lag_probe.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "watchdog.hpp"

#include <doctest/doctest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <memory>
#include <thread>

using namespace ranking;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool signals_arrive_at_once = false;
#else
constexpr bool signals_arrive_at_once = true;
#endif

// The named culprits: noinline, so that each is a frame of its own.
[[gnu::noinline]] void spin_the_loop_on_cpu(std::chrono::milliseconds how_long) {
    const auto until = Clock::now() + how_long;
    volatile unsigned long spins = 0;
    while (Clock::now() < until)
        spins = spins + 1;
}

[[gnu::noinline]] void sleep_on_the_loop(std::chrono::milliseconds how_long) {
    std::this_thread::sleep_for(how_long); // nanosleep: the thread waits, off any CPU
}

// A data loop as the server has it, minus the server: the loop thread bound, the lag probe beating,
// the watchdog watching with a 50 ms threshold. Runs `culprit` on the loop once and returns the
// first `count` stalls the watchdog recorded.
template <typename Culprit>
std::vector<StallRecord> stalls_caused_by(Culprit culprit, std::size_t count) {
    ServerMetrics metrics;
    LoopWatch watch(metrics);
    LoadLevels levels;
    net::io_context loop(1);
    LagProbe probe(loop, watch.heartbeat, metrics);
    auto guard = net::make_work_guard(loop);
    std::thread loop_thread([&] {
        watch.loop_thread.bind();
        probe.start();
        loop.run();
    });
    std::vector<StallRecord> stalls;
    {
        Watchdog watchdog(watch, levels, std::chrono::milliseconds(50));
        std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the probe beats
        net::post(loop, [&] { culprit(loop); });
        for (int i = 0; i < 300 && (stalls = watch.stalls.recent()).size() < count; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    net::post(loop, [&] {
        probe.stop();
        guard.reset();
    });
    loop_thread.join();
    REQUIRE(stalls.size() == count);
    return stalls;
}

template <typename Culprit> StallRecord stall_caused_by(Culprit culprit) {
    return stalls_caused_by([&](net::io_context&) { culprit(); }, 1).front();
}

bool has_frame(const StallRecord& stall, const std::string& function) {
    return std::any_of(stall.samples.begin(), stall.samples.end(), [&](const StallSample& s) {
        return std::any_of(s.frames.begin(), s.frames.end(), [&](const FrameName& frame) {
            return frame.brief.find(function) != std::string::npos;
        });
    });
}

} // namespace

TEST_CASE("stall forensics: a loop spinning in a named function: its frame, classed cpu") {
    const auto stall =
        stall_caused_by([] { spin_the_loop_on_cpu(std::chrono::milliseconds(300)); });
    MESSAGE("duration " << stall.duration_ms << " ms, cpu " << stall.cpu_ms << " ms, runnable "
                        << stall.runnable_ms << " ms, " << stall.samples.size() << " samples");
    CHECK(stall.duration_ms >= 250);
    CHECK_FALSE(stall.request_id.has_value()); // outside any request handler
    if (!signals_arrive_at_once) return;
    REQUIRE_FALSE(stall.samples.empty());
    CHECK(has_frame(stall, "spin_the_loop_on_cpu"));
    CHECK(stall.kind == StallKind::cpu);
    CHECK_FALSE(stall.syscall.has_value());
    // Samples at the threshold and as the stall doubles: in order, within the stall.
    for (std::size_t i = 1; i < stall.samples.size(); ++i)
        CHECK(stall.samples[i].at_ms > stall.samples[i - 1].at_ms);
    CHECK(stall.samples.back().at_ms <= stall.duration_ms);
}

TEST_CASE("stall forensics: a loop asleep in a named function: its frame, classed blocked, the "
          "call named") {
    const auto stall = stall_caused_by([] { sleep_on_the_loop(std::chrono::milliseconds(300)); });
    MESSAGE("duration " << stall.duration_ms << " ms, cpu " << stall.cpu_ms << " ms, runnable "
                        << stall.runnable_ms << " ms, syscall " << stall.syscall.value_or("none"));
    CHECK(stall.duration_ms >= 250);
    CHECK(stall.kind == StallKind::blocked);
    REQUIRE(stall.syscall.has_value());
    CHECK(stall.syscall->find("nanosleep") != std::string::npos);
    if (!signals_arrive_at_once) return;
    REQUIRE_FALSE(stall.samples.empty());
    CHECK(has_frame(stall, "sleep_on_the_loop"));
}

TEST_CASE("stall forensics: a second stall while the loop catches up after the first is a stall "
          "of its own") {
    const auto stalls = stalls_caused_by(
        [](net::io_context& loop) {
            spin_the_loop_on_cpu(std::chrono::milliseconds(300));
            // A breather for the probe to beat, then the second stall.
            auto timer = std::make_shared<net::steady_timer>(loop, std::chrono::milliseconds(30));
            timer->async_wait(
                [timer](const error_code&) { sleep_on_the_loop(std::chrono::milliseconds(300)); });
        },
        2);
    CHECK(stalls[0].duration_ms >= 250);
    CHECK(stalls[1].duration_ms >= 250);
    CHECK(stalls[1].started_unix_ms >= stalls[0].started_unix_ms + 250);
    CHECK(stalls[1].kind == StallKind::blocked);
    if (!signals_arrive_at_once) return;
    CHECK(stalls[0].kind == StallKind::cpu);
    CHECK(has_frame(stalls[0], "spin_the_loop_on_cpu"));
    CHECK_FALSE(has_frame(stalls[0], "sleep_on_the_loop")); // no sample of the next one
    CHECK(has_frame(stalls[1], "sleep_on_the_loop"));
}
