#pragma once
// The data plane's answers. Runs on the loop thread; only the /rank token and the store's work
// leave it, and only in offload mode. Every stretch of work here runs inside a LoopScope, so the
// watchdog can name it.
#include "data_context.hpp"
#include "http_session.hpp"

namespace ranking {

// Answers in `reply` what needs no waiting (lookups, leaderboard, health, errors); for the hash
// and the store, hands back the rest of the work, with the request as parsed here.
LaterAnswer answer_data_request(IncomingRequest& request, DataContext& context, Reply& reply);

} // namespace ranking
