#pragma once
// A callback-shaped job made awaitable: `start` receives a copyable `done(Result)`; calling it
// (from any thread) resumes the awaiting coroutine on its own executor. The tracked executor
// keeps that loop's run() going while the job is away; a `done` never called (the store stopped
// first) just lets the operation go with the loop.
#include "net.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>

namespace ranking::store {

template <typename Result, typename Start> net::awaitable<Result> await_callback(Start start) {
    return net::async_initiate<decltype(net::use_awaitable), void(Result)>(
        [start](auto handler) mutable {
            auto loop = net::prefer(net::get_associated_executor(handler),
                                    net::execution::outstanding_work.tracked);
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([shared, loop](Result result) {
                net::post(loop, [shared, result = std::move(result)]() mutable {
                    std::move (*shared)(std::move(result));
                });
            });
        },
        net::use_awaitable);
}

} // namespace ranking::store
