#pragma once
// The hand-off: how a coroutine on the loop gives work to someone else and resumes, on the
// loop, when the result comes back. One contract for everything that leaves the loop:
//
//   co_await hand_off<Result>(start)   (on the loop thread)
//     the loop's inbox expects one delivery, then `start(Delivery<Result>)` gives the work away:
//     to the CPU pool (run_on below), to the SQLite storage thread, to the PostgreSQL store's
//     queue, which the loop itself drains while libpq's socket is awaited;
//   std::move(delivery).deliver(result)   (any thread, exactly once)
//     the coroutine resumes with `result` on its loop, through the inbox (loop_inbox.hpp says
//     why not net::post). Never delivered, the loop's run() waits for it forever; the store
//     delivers everything it accepted, even when it stops.
//
// Asio's own rule, which is why this exists: a coroutine always resumes on its own executor.
// `co_await net::post(pool, net::use_awaitable)` runs nothing on the pool: the completion is
// dispatched back to the loop, so whatever follows the co_await would still block it (a test in
// tests/integration/test_lesson.cpp shows it). Work that must leave the loop is handed over as
// a job, and only its result comes back.
//
// GCC 12 destroys by-value temporaries inside a co_await expression twice: callers build the
// awaitable in its own statement, then co_await it.
#include "loop_inbox.hpp"
#include "mode.hpp"
#include "net.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cassert>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace ranking {

// The awaiting coroutine, waiting for its `Result`. Move-only: one delivery per hand-off.
template <typename Result> class Delivery {
public:
    template <typename Handler>
    Delivery(LoopInbox& inbox, Handler handler)
        : inbox_(&inbox), resume_(std::make_unique<ResumeHandler<Handler>>(std::move(handler))) {}

    Delivery(Delivery&& other) noexcept
        : inbox_(std::exchange(other.inbox_, nullptr)), resume_(std::move(other.resume_)) {}
    Delivery& operator=(Delivery&& other) noexcept {
        inbox_ = std::exchange(other.inbox_, nullptr);
        resume_ = std::move(other.resume_);
        return *this;
    }
    // Dropped undelivered, the loop's run() keeps waiting for it: only the loop's own teardown
    // may destroy one that way.
    ~Delivery() = default;

    // Any thread, exactly once (a moved-from Delivery is empty: delivering from it is a bug).
    // Never blocks and takes no lock of the loop's.
    void deliver(Result result) && {
        assert(inbox_ && "a Delivery delivered twice, or moved from");
        std::exchange(inbox_, nullptr)
            ->deliver([resume = std::move(resume_), result = std::move(result)]() mutable {
                (*resume)(std::move(result));
            });
    }

private:
    struct Resume {
        virtual ~Resume() = default;
        virtual void operator()(Result result) = 0;
    };
    template <typename Handler> struct ResumeHandler final : Resume {
        explicit ResumeHandler(Handler h) : handler(std::move(h)) {}
        void operator()(Result result) override { std::move(handler)(std::move(result)); }
        Handler handler;
    };

    LoopInbox* inbox_;
    std::unique_ptr<Resume> resume_;
};

// Start it on the loop thread (the coroutine's executor must be an io_context's).
template <typename Result, typename Start> net::awaitable<Result> hand_off(Start start) {
    return net::async_initiate<decltype(net::use_awaitable), void(Result)>(
        [start = std::move(start)](auto handler) mutable {
            auto& inbox = inbox_of(net::get_associated_executor(handler));
            inbox.expect();
            start(Delivery<Result>(inbox, std::move(handler)));
        },
        net::use_awaitable);
}

// `job()` on `pool`, its result (or its exception, rethrown here) back on the loop. The inbox
// keeps the loop's run() going while the job is away, so the pool must run every job it was
// given: join it, never stop() it.
template <typename Job>
net::awaitable<std::invoke_result_t<Job&>> run_on(net::thread_pool& pool, Job job) {
    using Value = std::invoke_result_t<Job&>;
    struct Outcome {
        std::exception_ptr error;
        Value value{};
    };
    auto running =
        hand_off<Outcome>([&pool, job = std::move(job)](Delivery<Outcome> delivery) mutable {
            net::post(pool, [job = std::move(job), delivery = std::move(delivery)]() mutable {
                Outcome outcome;
                try {
                    outcome.value = job();
                } catch (...) {
                    outcome.error = std::current_exception();
                }
                std::move(delivery).deliver(std::move(outcome));
            });
        });
    auto outcome = co_await std::move(running);
    if (outcome.error) std::rethrow_exception(outcome.error);
    co_return std::move(outcome.value);
}

// CPU-heavy work (the hash, rendering a large page of games) where the mode places it: on the
// pool, or, inline, the very same job on the loop thread, freezing every other connection.
template <typename Job>
net::awaitable<std::invoke_result_t<Job&>> run_placed(WorkPlacement placement,
                                                      net::thread_pool& pool, Job job) {
    if (placement == WorkPlacement::inline_on_loop) co_return job(); // the selfish way
    auto on_pool = run_on(pool, std::move(job));
    co_return co_await std::move(on_pool);
}

} // namespace ranking
