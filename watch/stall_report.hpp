#pragma once
// The admin plane's views of the stall log: GET /stalls (JSON, newest first, the stall in
// progress first) and GET /stalls.folded (collapsed stacks for flamegraph.pl or speedscope: the
// route as the root frame, each sample weighted by the milliseconds since the one before).
#include "stall_log.hpp"

#include <string>

namespace ranking {

std::string stalls_json(const StallLog& log);
std::string stalls_folded(const StallLog& log);

} // namespace ranking
