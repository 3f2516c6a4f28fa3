#pragma once
// The data plane's answers. Runs on the loop thread; only the /rank token and the store's work
// leave it, and only in offload mode. Every stretch of work here runs inside a LoopScope, so the
// watchdog can name it.
#include "data_context.hpp"
#include "net.hpp"
#include "reply.hpp"
#include "server_connection.hpp"

namespace ranking {

// The requests answered on the loop without waiting (lookups, leaderboard, health, errors),
// written into `reply`; false for those that need the hash or the store.
bool answer_data_request_at_once(const IncomingRequest& request, DataContext& context,
                                 Reply& reply);

// Every request, the ones that wait included.
net::awaitable<Reply> answer_data_request(IncomingRequest request, DataContext& context);

} // namespace ranking
