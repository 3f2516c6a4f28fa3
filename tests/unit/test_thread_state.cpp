#include "thread_state.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <thread>

using namespace ranking;

TEST_CASE("the run-queue clock reads a live thread and nothing once it is gone") {
    RunnableClock clock;
    pid_t ended = 0;
    std::thread([&] {
        ended = ::gettid();
        const auto alive = clock.seconds(ended); // opened while the thread lives
        REQUIRE(alive.has_value());
        CHECK(*alive >= 0.0);
    }).join();
    CHECK_FALSE(clock.seconds(ended).has_value()); // its kept descriptor reads no more
    const auto self = clock.seconds(::gettid());   // and another thread is read again
    REQUIRE(self.has_value());
    CHECK(*self >= 0.0);
}
