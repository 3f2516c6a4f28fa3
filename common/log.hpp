#pragma once
// The server's log lines, on stderr, with a level. Under systemd, stderr is the journal
// (JOURNAL_STREAM names it): each line then starts with its sd-daemon priority ("<4>"), so a
// warning is a warning in journalctl. On a terminal each line starts with a UTC timestamp.
// Anywhere else (a file, a pipe, a test) the line is written as it is. One write per line, so
// lines from different threads never mix. Lines below the level set are dropped.
#include <optional>
#include <string>
#include <string_view>

namespace ranking {

enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 }; // syslog's

// "error", "warning", "notice", "info" or "debug" (as --log-level takes it).
std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

// Any thread.
void set_log_level(LogLevel level);
bool logs(LogLevel level);
void log_line(LogLevel level, std::string_view line); // without its newline
// printf-style, for the lines that carry figures.
void log_format(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

} // namespace ranking
