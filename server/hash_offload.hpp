#pragma once
// The hand-off at the heart of the product: run a CPU-heavy job on the thread pool and resume
// the awaiting coroutine on its own executor (the loop), or, in inline mode, run the very same
// job on the loop thread and freeze every other connection while it runs.
//
// GCC 12 destroys by-value temporaries inside a co_await expression twice: callers build the
// awaitable in its own statement, then co_await it.
//
// Why not `co_await net::post(pool, use_awaitable)`: in Boost 1.81 that resumes on the
// coroutine's own executor, i.e. back on the loop, so the "offloaded" hash would still block it.
#include "loop_inbox.hpp"
#include "mode.hpp"
#include "net.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace ranking {

// Runs `job()` on `pool`; completes with (exception_ptr, result) on the handler's executor, an
// io_context's, through that loop's inbox: the pool runs below the loop, and a net::post from it
// can leave the loop waiting on a lock the preempted pool thread holds (net/loop_inbox.hpp).
// Start it on the loop thread.
template <typename Job, typename CompletionToken>
auto async_run_on(net::thread_pool& pool, Job job, CompletionToken&& token) {
    using Result = std::invoke_result_t<Job&>;
    return net::async_initiate<CompletionToken, void(std::exception_ptr, Result)>(
        [&pool](auto handler, Job work_item) {
            // The inbox keeps the loop's run() alive while the job is away on the pool, so the
            // pool must run every job it was given: join it, never stop() it.
            auto& inbox = inbox_of(net::get_associated_executor(handler));
            inbox.expect();
            net::post(pool,
                      [&inbox, handler = std::move(handler), job = std::move(work_item)]() mutable {
                          std::exception_ptr error;
                          Result result{};
                          try {
                              result = job();
                          } catch (...) {
                              error = std::current_exception();
                          }
                          inbox.deliver([handler = std::move(handler), error,
                                         result = std::move(result)]() mutable {
                              std::move(handler)(error, std::move(result));
                          });
                      });
        },
        token, std::move(job));
}

// Where CPU-heavy work runs (the hash, rendering a large page of games) is the only thing the
// mode changes.
template <typename Job>
net::awaitable<std::invoke_result_t<Job&>> run_cpu(WorkPlacement mode, net::thread_pool& pool,
                                                   Job job) {
    if (mode == WorkPlacement::inline_on_loop) co_return job(); // the selfish way: the loop stops
    auto on_pool = async_run_on(pool, std::move(job), net::use_awaitable);
    co_return co_await std::move(on_pool);
}

} // namespace ranking
