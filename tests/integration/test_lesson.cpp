// The lesson itself, asserted as ordering and thread identity, never as a timing threshold.
#include "hand_off.hpp"
#include "test_server.hpp"
#include "token.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <mutex>
#include <thread>

using namespace ranking;
using namespace ranking::testing;

namespace {

struct Threads {
    std::thread::id job;
    std::thread::id resumed;
};

struct RecordThread {
    std::thread::id* where;
    int operator()() const {
        *where = std::this_thread::get_id();
        return 42;
    }
};

net::awaitable<void> hash_and_record(WorkPlacement mode, net::thread_pool& pool, Threads& seen) {
    auto hashing = run_placed(mode, pool, RecordThread{&seen.job});
    const int result = co_await std::move(hashing);
    seen.resumed = std::this_thread::get_id();
    CHECK(result == 42);
}

Threads run_job(WorkPlacement mode) {
    net::io_context loop;
    net::thread_pool pool(1);
    Threads seen;
    net::co_spawn(loop, hash_and_record(mode, pool, seen), net::detached);
    loop.run(); // this thread is the loop thread
    pool.join();
    return seen;
}

std::vector<std::string> answer_order(WorkPlacement mode) {
    // A hash made slow on purpose, so the ordering cannot be an accident of scheduling.
    TestServer server(mode, calibrate_iterations(std::chrono::milliseconds(300)));
    net::io_context loop;
    std::vector<std::string> order;
    net::co_spawn(loop, ask_after(server.data(), {"GET", "/rank/alice"}, 0, "rank", order),
                  net::detached);
    net::co_spawn(loop, ask_after(server.data(), {"GET", "/healthz"}, 20, "healthz", order),
                  net::detached);
    loop.run();
    return order;
}

net::awaitable<void> post_and_record(net::thread_pool& pool, std::thread::id& resumed) {
    co_await net::post(pool, net::use_awaitable);
    resumed = std::this_thread::get_id();
}

net::awaitable<void> throw_on_pool(net::thread_pool& pool, std::string& caught,
                                   std::thread::id& resumed) {
    auto running = run_on(pool, []() -> int { throw std::runtime_error("from the pool"); });
    try {
        co_await std::move(running);
    } catch (const std::runtime_error& e) {
        caught = e.what();
    }
    resumed = std::this_thread::get_id();
}

} // namespace

TEST_CASE("offload: a /healthz sent 20 ms after a slow /rank is answered first") {
    CHECK(answer_order(WorkPlacement::offload) == std::vector<std::string>{"healthz", "rank"});
}

TEST_CASE("inline: the same /healthz is answered only after the /rank (the loop was held)") {
    CHECK(answer_order(WorkPlacement::inline_on_loop) ==
          std::vector<std::string>{"rank", "healthz"});
}

TEST_CASE("offload: the hash runs on a pool thread and the coroutine resumes on the loop") {
    const auto seen = run_job(WorkPlacement::offload);
    CHECK(seen.job != std::thread::id{});
    CHECK(seen.job != std::this_thread::get_id());
    CHECK(seen.resumed == std::this_thread::get_id());
}

TEST_CASE("inline: the hash runs on the loop thread itself") {
    const auto seen = run_job(WorkPlacement::inline_on_loop);
    CHECK(seen.job == std::this_thread::get_id());
    CHECK(seen.resumed == std::this_thread::get_id());
}

TEST_CASE("Asio's rule: after co_await post(pool, use_awaitable) the coroutine is on the loop") {
    // Why hand_off.hpp hands the job over instead: the work after this co_await would block the
    // loop.
    net::io_context loop;
    net::thread_pool pool(1);
    std::thread::id resumed;
    net::co_spawn(loop, post_and_record(pool, resumed), net::detached);
    loop.run();
    pool.join();
    CHECK(resumed == std::this_thread::get_id());
}

TEST_CASE("a job that throws on the pool throws in the coroutine, back on the loop") {
    net::io_context loop;
    net::thread_pool pool(1);
    std::string caught;
    std::thread::id resumed;
    net::co_spawn(loop, throw_on_pool(pool, caught, resumed), net::detached);
    loop.run();
    pool.join();
    CHECK(caught == "from the pool");
    CHECK(resumed == std::this_thread::get_id());
}
