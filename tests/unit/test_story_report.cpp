#include "story_report.hpp"

#include <doctest/doctest.h>

using namespace ranking;

namespace {
StoryRun run_with(double bob_finish, double charlie_finish, const char* mode) {
    return StoryRun{{"alice", "/rank/alice", 0, 30, 200},
                    {{"bob", "/players/bob", 5, bob_finish, 200},
                     {"charlie", "/players/charlie", 5, charlie_finish, 200}},
                    29.5,
                    mode};
}
bool has(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}
} // namespace

TEST_CASE("answered after alice means waited behind her") {
    const auto verdict = story_verdict(run_with(30.2, 30.3, "inline"));
    CHECK(has(verdict, "bob and charlie waited behind alice"));
    CHECK(has(verdict, "25.2 and 25.3 ms"));
    CHECK(has(verdict, "loop was blocked"));
    CHECK_FALSE(has(verdict, "did not wait"));
}

TEST_CASE("answered before alice means the loop stayed free") {
    const auto verdict = story_verdict(run_with(5.3, 5.4, "offload"));
    CHECK(has(verdict, "bob and charlie did not wait for alice"));
    CHECK(has(verdict, "0.3 and 0.4 ms"));
    CHECK_FALSE(has(verdict, "waited behind"));
}

TEST_CASE("a split outcome names each side") {
    const auto verdict = story_verdict(run_with(5.3, 31.0, "offload"));
    CHECK(has(verdict, "charlie waited behind alice"));
    CHECK(has(verdict, "bob did not wait"));
}

TEST_CASE("the timeline has one line per player on one time axis") {
    const auto timeline = render_timeline(run_with(30.2, 30.3, "inline"));
    CHECK(has(timeline, "alice"));
    CHECK(has(timeline, "/players/charlie"));
    CHECK(std::count(timeline.begin(), timeline.end(), '\n') == 3);
}
