// The log's levels and its three shapes of line (journal priority, plain), with stderr sent to a
// file for the length of each case.
#include "log.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace ranking;

namespace {

// What the lines logged inside `body` wrote to stderr.
template <typename Body> std::string stderr_of(Body body) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("ranking-log-" + std::to_string(::getpid()) + ".txt");
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    REQUIRE(std::freopen(file.c_str(), "w", stderr));
    body(file);
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(file);
    return text.str();
}

} // namespace

TEST_CASE("log levels: by name, and lines below the level set are dropped") {
    for (const char* name : {"error", "warning", "notice", "info", "debug"})
        CHECK(to_string(*parse_log_level(name)) == name);
    CHECK_FALSE(parse_log_level("verbose"));
    CHECK_FALSE(parse_log_level("WARNING"));

    ::unsetenv("JOURNAL_STREAM");
    const auto written = stderr_of([](const std::filesystem::path&) {
        set_log_level(LogLevel::warning);
        log_line(LogLevel::info, "ranking-server: an info line");
        log_format(LogLevel::warning, "ranking-server: blocked for %d ms\n", 51);
        log_line(LogLevel::error, "ranking-server: an error line");
        set_log_level(LogLevel::info);
    });
    CHECK(written == "ranking-server: blocked for 51 ms\nranking-server: an error line\n");
}

TEST_CASE("log lines carry their priority when stderr is the journal's stream") {
    const auto written = stderr_of([](const std::filesystem::path& file) {
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        const auto stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
        ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
        log_line(LogLevel::warning, "ranking-server: WARNING event loop blocked");
        log_line(LogLevel::notice, "ranking-server: stopped");
        ::setenv("JOURNAL_STREAM", "1:2", 1); // another stream: stderr is not the journal
        log_line(LogLevel::notice, "ranking-server: plain");
        ::unsetenv("JOURNAL_STREAM");
    });
    CHECK(written == "<4>ranking-server: WARNING event loop blocked\n<5>ranking-server: stopped\n"
                     "ranking-server: plain\n");
}
