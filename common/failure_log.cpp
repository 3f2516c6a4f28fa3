#include "failure_log.hpp"

#include "log.hpp"

#include <cstdio>

namespace ranking {
namespace {

std::string failures(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " failure" : " failures") + " since the last line";
}

} // namespace

FailureLog::FailureLog(std::string work, Clock::duration interval, Write write)
    : work_(std::move(work)), interval_(interval), write_(std::move(write)) {}

FailureLog::~FailureLog() {
    if (unlogged_ > 0)
        write(LogLevel::warning, work_ + " failed, then stopped (" + failures(unlogged_) + ")",
              Clock::now());
}

void FailureLog::failed(std::string_view why, Clock::time_point now) {
    ++unlogged_;
    if (!due(now)) return;
    std::string line = work_ + " failed";
    if (unlogged_ > 1) line += " (" + failures(unlogged_) + ")";
    write(LogLevel::warning, line.append(": ").append(why), now);
}

void FailureLog::succeeded(Clock::time_point now) {
    if (unlogged_ == 0 || !due(now)) return;
    write(LogLevel::notice, work_ + " succeeded again (" + failures(unlogged_) + ")", now);
}

void FailureLog::write(LogLevel level, std::string line, Clock::time_point now) {
    last_line_ = now;
    unlogged_ = 0;
    for (auto& c : line) // one line, whatever the message held (SQL, libpq's "\n\t")
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    line.insert(0, "ranking-server: ");
    if (write_) return write_(line);
    log_line(level, line);
}

} // namespace ranking
