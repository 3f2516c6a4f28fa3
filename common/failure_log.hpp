#pragma once
// Failures of one kind of work, logged to stderr without flooding it: a full disk or a lost
// database fails every transaction, and a line each would bury everything else. The first
// failure is logged at once; after it at most one line per interval, which counts the failures
// since the line before, so that none goes uncounted. The failures held back are counted on the
// next line: the next failure's, the next success's ("succeeded again"), or at destruction.
// No lock: its owner uses it from one thread at a time, as it uses its database.
#include "log.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

class FailureLog {
public:
    using Clock = std::chrono::steady_clock;
    using Write = std::function<void(const std::string& line)>; // one line, no newline

    // `work` names what fails in every line: "SQLite write to club.db". `write`: stderr when
    // empty (tests pass their own).
    explicit FailureLog(std::string work, Clock::duration interval = std::chrono::seconds(1),
                        Write write = {});
    ~FailureLog();
    FailureLog(const FailureLog&) = delete;
    FailureLog& operator=(const FailureLog&) = delete;

    void failed(std::string_view why, Clock::time_point now = Clock::now());
    // Cheap when nothing is held back: the commit path calls it every time.
    void succeeded() {
        if (unlogged_ > 0) succeeded(Clock::now());
    }
    void succeeded(Clock::time_point now);

private:
    bool due(Clock::time_point now) const { return !last_line_ || now - *last_line_ >= interval_; }
    void write(LogLevel level, std::string line, Clock::time_point now);

    std::string work_;
    Clock::duration interval_;
    Write write_;
    std::optional<Clock::time_point> last_line_;
    std::size_t unlogged_ = 0; // failures since the last line that no line counted yet
};

} // namespace ranking
