#pragma once
// Callback-shaped jobs made awaitable. A tracked executor (await_callback) or the loop's inbox
// (await_delivery) keeps that loop's run() going while the job is away. With the tracked
// executor, a result never delivered just lets the operation go with the loop; with the inbox,
// the loop waits for every Delivery (the SQLite store delivers all it queued, even when it
// stops).
#include "loop_inbox.hpp"
#include "net.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <functional>
#include <memory>

namespace ranking::store {

// The awaiting coroutine's handler as a copyable function (std::function needs one); call it once.
template <typename Result, typename Handler>
std::function<void(Result)> resume_function(Handler handler) {
    auto shared = std::make_shared<Handler>(std::move(handler));
    return [shared](Result result) { std::move (*shared)(std::move(result)); };
}

// `start` receives a copyable `done(Result)`; calling it (from any thread) posts the resumption
// to the coroutine's own executor.
template <typename Result, typename Start> net::awaitable<Result> await_callback(Start start) {
    return net::async_initiate<decltype(net::use_awaitable), void(Result)>(
        [start](auto handler) mutable {
            net::any_io_executor loop = net::prefer(net::get_associated_executor(handler),
                                                    net::execution::outstanding_work.tracked);
            start([loop = std::move(loop),
                   resume = resume_function<Result>(std::move(handler))](Result result) {
                net::post(loop, [resume, result = std::move(result)]() mutable {
                    resume(std::move(result));
                });
            });
        },
        net::use_awaitable);
}

// A result that a thread running below the loop (the SQLite storage thread) hands back: `resume`
// runs on the loop through its inbox (loop_inbox.hpp says why not net::post), which expects it
// from the moment the coroutine awaits. Deliver each exactly once: never, and the loop's run()
// waits for it; twice, and the inbox's count of what it expects goes wrong.
template <typename Result> struct Delivery {
    LoopInbox* inbox;
    std::function<void(Result)> resume;

    void deliver(Result result) {
        inbox->deliver([resume = std::move(resume), result = std::move(result)]() mutable {
            resume(std::move(result));
        });
    }
};

template <typename Result, typename Start> net::awaitable<Result> await_delivery(Start start) {
    return net::async_initiate<decltype(net::use_awaitable), void(Result)>(
        [start](auto handler) mutable {
            auto& inbox = inbox_of(net::get_associated_executor(handler));
            inbox.expect();
            start(Delivery<Result>{&inbox, resume_function<Result>(std::move(handler))});
        },
        net::use_awaitable);
}

} // namespace ranking::store
