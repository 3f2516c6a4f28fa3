#include "stall_log.hpp"

namespace ranking {

void StallLog::update(StallRecord ongoing) {
    ongoing.ongoing = true;
    std::lock_guard lock(mutex_);
    ongoing_ = std::move(ongoing);
}

void StallLog::finish(StallRecord record) {
    record.ongoing = false;
    metrics_.count_stall(record.route, record.kind);
    std::lock_guard lock(mutex_);
    ongoing_.reset();
    ended_.push_back(std::move(record));
    ++ended_total_;
    if (ended_.size() > kept) ended_.pop_front();
}

std::vector<StallRecord> StallLog::recent() const {
    std::lock_guard lock(mutex_);
    return {ended_.begin(), ended_.end()};
}

std::optional<StallRecord> StallLog::in_progress() const {
    std::lock_guard lock(mutex_);
    return ongoing_;
}

std::uint64_t StallLog::ended_total() const {
    std::lock_guard lock(mutex_);
    return ended_total_;
}

} // namespace ranking
