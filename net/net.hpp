#pragma once
// Short names for the Asio vocabulary used across server/, client/ and load/.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// Error codes as values on the hot path: `auto [ec, n] = co_await op(args, use_nothrow);`
inline constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);
