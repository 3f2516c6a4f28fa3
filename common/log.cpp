#include "log.hpp"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace ranking {
namespace {

std::atomic<int> level_set{static_cast<int>(LogLevel::info)};

enum class Sink { journal, terminal, plain };

// JOURNAL_STREAM is "DEVICE:INODE" of the journal's stream; stderr is the journal only if it is
// that very file (a child that redirected stderr inherits the variable too).
Sink find_sink() {
    struct stat err {};
    if (::fstat(STDERR_FILENO, &err) != 0) return Sink::plain;
    if (const char* stream = std::getenv("JOURNAL_STREAM")) {
        unsigned long long device = 0, inode = 0;
        if (std::sscanf(stream, "%llu:%llu", &device, &inode) == 2 && device == err.st_dev &&
            inode == err.st_ino)
            return Sink::journal;
    }
    return ::isatty(STDERR_FILENO) ? Sink::terminal : Sink::plain;
}

} // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (auto level :
         {LogLevel::error, LogLevel::warning, LogLevel::notice, LogLevel::info, LogLevel::debug})
        if (text == to_string(level)) return level;
    return std::nullopt;
}

std::string_view to_string(LogLevel level) {
    switch (level) {
    case LogLevel::error:
        return "error";
    case LogLevel::warning:
        return "warning";
    case LogLevel::notice:
        return "notice";
    case LogLevel::info:
        return "info";
    case LogLevel::debug:
        return "debug";
    }
    return "info";
}

void set_log_level(LogLevel level) {
    level_set = static_cast<int>(level);
}

bool logs(LogLevel level) {
    return static_cast<int>(level) <= level_set.load();
}

void log_line(LogLevel level, std::string_view line) {
    if (!logs(level)) return;
    const Sink sink = find_sink(); // asked each time: lines are few, and stderr may change
    std::string out;
    out.reserve(line.size() + 32);
    if (sink == Sink::journal) {
        out += '<';
        out += static_cast<char>('0' + static_cast<int>(level));
        out += '>';
    } else if (sink == Sink::terminal) {
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        std::tm utc{};
        ::gmtime_r(&now.tv_sec, &utc);
        char stamp[40];
        const auto length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
        std::snprintf(stamp + length, sizeof stamp - length, ".%03ldZ ", now.tv_nsec / 1'000'000);
        out += stamp;
    }
    out += line;
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr); // one call: lines from threads never mix
}

void log_format(LogLevel level, const char* format, ...) {
    if (!logs(level)) return;
    char buffer[1024];
    va_list args;
    va_start(args, format);
    const int length = std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (length < 0) return;
    std::string_view line(
        buffer, std::min<std::size_t>(static_cast<std::size_t>(length), sizeof buffer - 1));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    log_line(level, line);
}

} // namespace ranking
