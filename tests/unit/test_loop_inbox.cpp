#include "loop_inbox.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using ranking::inbox_of;

TEST_CASE("loop inbox: jobs from another thread run on the loop thread, in delivery order") {
    net::io_context loop;
    auto& inbox = inbox_of(loop.get_executor());
    for (int job = 0; job < 3; ++job)
        inbox.expect();
    std::vector<int> ran;
    std::vector<std::thread::id> ran_on;
    std::thread other([&] {
        for (int job = 0; job < 3; ++job)
            inbox.deliver([&, job] {
                ran.push_back(job);
                ran_on.push_back(std::this_thread::get_id());
            });
    });
    loop.run_for(std::chrono::seconds(10)); // returns once the three expected jobs have run
    other.join();
    CHECK(loop.stopped());
    CHECK(ran == std::vector{0, 1, 2});
    for (const auto id : ran_on)
        CHECK(id == std::this_thread::get_id());
}

TEST_CASE("loop inbox: run() waits for an expected job, and returns once it has run") {
    net::io_context loop;
    auto& inbox = inbox_of(loop.get_executor());
    inbox.expect();
    bool ran = false;
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // the loop has nothing else
        inbox.deliver([&] { ran = true; });
    });
    loop.run_for(std::chrono::seconds(10));
    late.join();
    CHECK(ran);
    CHECK(loop.stopped()); // out of work, not out of time: the inbox stopped waiting
}

TEST_CASE("loop inbox: a job can expect the next one (a coroutine that awaits again)") {
    net::io_context loop;
    auto& inbox = inbox_of(loop.get_executor());
    std::vector<std::string> ran;
    std::thread second;
    inbox.expect();
    std::thread first([&] {
        inbox.deliver([&] {
            ran.emplace_back("first");
            inbox.expect(); // on the loop, while the inbox is handling a delivery
            second = std::thread([&] { inbox.deliver([&] { ran.emplace_back("second"); }); });
        });
    });
    loop.run_for(std::chrono::seconds(10));
    first.join();
    if (second.joinable()) second.join();
    CHECK(loop.stopped());
    CHECK(ran == std::vector<std::string>{"first", "second"});
}

TEST_CASE("loop inbox: deliveries from several threads at once all run, each thread's in order") {
    constexpr int threads = 4, per_thread = 2000;
    net::io_context loop;
    auto& inbox = inbox_of(loop.get_executor());
    for (int job = 0; job < threads * per_thread; ++job)
        inbox.expect();
    std::vector<std::vector<int>> seen(threads);
    std::vector<std::thread> senders;
    for (int sender = 0; sender < threads; ++sender)
        senders.emplace_back([&, sender] {
            for (int job = 0; job < per_thread; ++job)
                inbox.deliver([&, sender, job] { seen[sender].push_back(job); });
        });
    loop.run_for(std::chrono::seconds(30));
    for (auto& sender : senders)
        sender.join();
    CHECK(loop.stopped());
    for (const auto& jobs : seen) {
        REQUIRE(jobs.size() == per_thread);
        for (int job = 0; job < per_thread; ++job)
            CHECK(jobs[job] == job);
    }
}

TEST_CASE("loop inbox: a job the loop never ran is destroyed with the io_context") {
    auto held = std::make_shared<int>(7);
    std::weak_ptr<int> watch = held;
    {
        net::io_context loop;
        auto& inbox = inbox_of(loop.get_executor());
        inbox.expect();
        inbox.deliver([held = std::move(held)] {});
        CHECK_FALSE(watch.expired()); // waiting in the inbox
    }
    CHECK(watch.expired());
}

TEST_CASE("loop inbox: a move-only job (a coroutine's handler) is delivered and run once") {
    net::io_context loop;
    auto& inbox = inbox_of(loop.get_executor());
    inbox.expect();
    int runs = 0, seen = 0;
    std::thread pool_thread([&] {
        inbox.deliver([&, value = std::make_unique<int>(42)] {
            ++runs;
            seen = *value;
        });
    });
    loop.run_for(std::chrono::seconds(10));
    pool_thread.join();
    CHECK(runs == 1);
    CHECK(seen == 42);
}
