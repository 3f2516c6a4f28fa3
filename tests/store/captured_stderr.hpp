#pragma once
// What this process writes to stderr while one of these lives, for tests of the store's log
// lines: fd 2 goes to a temp file meanwhile, and back to where it went at destruction. And the
// failures a FailureLog's lines count.
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace ranking {

class CapturedStderr {
public:
    CapturedStderr() : file_(std::tmpfile()), saved_(::dup(2)) {
        std::fflush(stderr);
        ::dup2(::fileno(file_), 2);
    }
    ~CapturedStderr() {
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        std::fclose(file_);
    }
    CapturedStderr(const CapturedStderr&) = delete;
    CapturedStderr& operator=(const CapturedStderr&) = delete;

    std::vector<std::string> lines() const {
        std::fflush(stderr);
        std::string text;
        char buffer[4096];
        // pread: fd 2 shares the file's offset, which must stay at the end for the next line.
        for (ssize_t got; (got = ::pread(::fileno(file_), buffer, sizeof buffer,
                                         static_cast<off_t>(text.size()))) > 0;)
            text.append(buffer, static_cast<std::size_t>(got));
        std::vector<std::string> lines;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        return lines;
    }

private:
    std::FILE* file_;
    int saved_;
};

// How many failures a FailureLog's lines count: one for a line without a count, the count
// otherwise (a success's line counts the failures held back before it).
inline std::size_t failures_counted(const std::vector<std::string>& lines) {
    const std::regex counted(R"(\((\d+) failures? since the last line\))");
    std::size_t total = 0;
    for (const auto& line : lines) {
        std::smatch count;
        total += std::regex_search(line, count, counted) ? std::stoul(count[1]) : 1;
    }
    return total;
}

} // namespace ranking
