#pragma once
// The admin plane's requests: read and flip the hash mode, health. Transport-free.
#include "mode.hpp"
#include "reply.hpp"

#include <atomic>
#include <string_view>

namespace ranking {

// GET /mode, PUT /mode (body "inline" or "offload"), GET /healthz. A new mode takes effect for
// the next hash the data plane starts.
Reply answer_admin_request(std::string_view method, std::string_view target, std::string_view body,
                           std::atomic<WorkPlacement>& mode);

} // namespace ranking
