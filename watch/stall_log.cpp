#include "stall_log.hpp"

namespace ranking {

void StallLog::start(std::int64_t started_unix_ms, Route route) {
    route_.store(static_cast<int>(route));
    since_.store(started_unix_ms);
}

void StallLog::finish(const StallRecord& record) {
    since_.store(0);
    metrics_.count_stall(record.route);
    std::lock_guard lock(mutex_);
    ended_.push_back(record);
    if (ended_.size() > 64) ended_.pop_front();
}

std::vector<StallRecord> StallLog::recent() const {
    std::lock_guard lock(mutex_);
    return {ended_.begin(), ended_.end()};
}

} // namespace ranking
