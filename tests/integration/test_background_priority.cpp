// The loop outranks its pool: each thread is asked what its own scheduling is, the pool's threads
// through the hash's own hand-off (run_on), the loop thread on the loop. No timings.
#include "hand_off.hpp"
#include "test_server.hpp"
#include "thread_priority.hpp"

#include <boost/asio/post.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <optional>
#include <sched.h>
#include <set>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

struct Seen {
    ThreadSchedule schedule;
    std::thread::id thread;
};

// Stands for the hash: held until every pool thread has one, so that each thread answers.
struct ReportSchedule {
    std::latch* together;
    Seen operator()() const {
        together->arrive_and_wait();
        return {this_thread_schedule(), std::this_thread::get_id()};
    }
};

net::awaitable<void> ask_one(net::thread_pool& pool, std::latch& together,
                             std::promise<Seen>& answer) {
    auto asking = run_on(pool, ReportSchedule{&together});
    answer.set_value(co_await std::move(asking));
}

std::vector<Seen> ask_pool_threads(RankingServer& server, unsigned threads) {
    std::latch together(threads);
    std::vector<std::promise<Seen>> answers(threads);
    for (auto& answer : answers) // started on the loop thread, as the routes start it
        net::co_spawn(server.data_executor(), ask_one(server.cpu_pool(), together, answer),
                      net::detached);
    std::vector<Seen> seen;
    for (auto& answer : answers)
        seen.push_back(answer.get_future().get());
    return seen;
}

Seen ask_loop_thread(RankingServer& server) {
    std::promise<Seen> answer;
    net::post(server.data_executor(), [&answer] {
        answer.set_value({this_thread_schedule(), std::this_thread::get_id()});
    });
    return answer.get_future().get();
}

// The SQLite storage thread's schedule, read from outside it: the one thread of this process
// named sqlite-storage (a test runs one server at a time).
std::optional<ThreadSchedule> storage_thread_schedule() {
    std::optional<ThreadSchedule> found;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        if (name != "sqlite-storage") continue;
        REQUIRE_FALSE(found);
        found = thread_schedule(static_cast<pid_t>(std::stol(task.path().filename().string())));
        REQUIRE(found->policy != -1); // readable: the thread was there
    }
    return found;
}

ServerConfig with_pool(BackgroundPriority priority, unsigned threads) {
    auto config = test_config();
    config.pool_threads = threads;
    config.pool_priority = priority;
    return config;
}

} // namespace

TEST_CASE("pool priority idle: every pool thread runs SCHED_IDLE, the loop thread does not") {
    TestServer server(with_pool({BackgroundPriorityKind::idle, 0}, 2));
    const auto pool = ask_pool_threads(server.server(), 2);
    const auto loop = ask_loop_thread(server.server());
    CHECK(pool[0].thread != pool[1].thread); // both threads answered
    for (const auto& seen : pool) {
        CHECK(seen.thread != loop.thread);
        CHECK(seen.schedule.policy == SCHED_IDLE);
    }
    CHECK(loop.schedule.policy == SCHED_OTHER);
}

TEST_CASE("storage priority idle (the default) and nice:5: the storage thread below the loop") {
    const int before = this_thread_schedule().nice;
    auto config = test_config();
    config.storage_priority = ServerConfig{}.storage_priority; // the default, which is idle
    REQUIRE(config.storage_priority == BackgroundPriority{BackgroundPriorityKind::idle, 0});
    {
        TestServer server(config);
        const auto loop = ask_loop_thread(server.server());
        const auto storage = storage_thread_schedule();
        REQUIRE(storage);
        CHECK(storage->policy == SCHED_IDLE);
        CHECK(loop.schedule.policy == SCHED_OTHER);
    }
    config.storage_priority = {BackgroundPriorityKind::nice, 5};
    TestServer server(config);
    const auto storage = storage_thread_schedule();
    REQUIRE(storage);
    CHECK(storage->policy == SCHED_OTHER);
    CHECK(storage->nice == std::min(19, before + 5));
}

TEST_CASE("pool priority nice:5: pool threads 5 nice steps below the loop thread") {
    const int before = this_thread_schedule().nice; // the threads inherit the test's nice
    TestServer server(with_pool({BackgroundPriorityKind::nice, 5}, 2));
    const auto pool = ask_pool_threads(server.server(), 2);
    const auto loop = ask_loop_thread(server.server());
    CHECK(loop.schedule.policy == SCHED_OTHER);
    CHECK(loop.schedule.nice == before);
    for (const auto& seen : pool) {
        CHECK(seen.schedule.policy == SCHED_OTHER);
        CHECK(seen.schedule.nice == std::min(19, before + 5));
    }
}

TEST_CASE("pool priority normal: the pool threads as the loop thread") {
    TestServer server(with_pool({BackgroundPriorityKind::normal, 0}, 1));
    const auto pool = ask_pool_threads(server.server(), 1);
    const auto loop = ask_loop_thread(server.server());
    CHECK(pool[0].schedule.policy == loop.schedule.policy);
    CHECK(pool[0].schedule.nice == loop.schedule.nice);
}
