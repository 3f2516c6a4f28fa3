#include "story_report.hpp"

#include <doctest/doctest.h>

using namespace ranking;

namespace {
StoryRun run_with(double bob_finish, double charlie_finish, const char* mode) {
    return StoryRun{{"alice", "/rank/alice", 0, 30, 30, 200},
                    {{"bob", "/players/bob", 5, bob_finish, bob_finish, 200},
                     {"charlie", "/players/charlie", 5, charlie_finish, charlie_finish, 200}},
                    "29.5 ms hash",
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

TEST_CASE("asked after alice was answered means no one could wait") {
    const StoryRun run{{"alice", "/games?limit=10000", 0, 0.9, 0.9, 200},
                       {{"bob", "/players/bob", 5, 5.3, 5.3, 200},
                        {"charlie", "/players/charlie", 5, 5.4, 5.4, 200}},
                       "export of 3 games",
                       "inline"};
    const auto verdict = story_verdict(run);
    CHECK(has(verdict, "bob and charlie asked only after alice was answered"));
    CHECK(has(verdict, "her export of 3 games was over in 0.9 ms"));
    CHECK_FALSE(has(verdict, "waited behind"));
    CHECK_FALSE(has(verdict, "did not wait"));
}

TEST_CASE("the verdict names alice's work, whatever it was") {
    auto run = run_with(30.2, 5.4, "inline");
    run.alice_work = "export of 12000 games";
    const auto verdict = story_verdict(run);
    CHECK(has(verdict, "bob waited behind alice: answered only after her export of 12000 games"));
    CHECK(has(verdict, "charlie did not wait for alice"));
    CHECK(has(verdict, "while her export of 12000 games ran"));
}

TEST_CASE("a large answer counts from when it began: the work was done, the body still coming") {
    const StoryRun run{{"alice", "/games?limit=10000", 0, 200.0, 247.1, 200},
                       {{"bob", "/players/bob", 5.1, 203.1, 203.1, 200},
                        {"charlie", "/players/charlie", 5.1, 203.2, 203.2, 200}},
                       "export of 10000 games (5.7 MB)",
                       "inline"};
    const auto verdict = story_verdict(run);
    CHECK(has(verdict, "bob and charlie waited behind alice"));
    CHECK(has(verdict, "198.0 and 198.1 ms after asking"));
    const auto timeline = render_timeline(run);
    CHECK(has(timeline, "#======== |"));
    CHECK(has(timeline, "answer began at 200.0 ms; its body arrived until 247.1 ms"));
}

TEST_CASE("the timeline has one line per player on one time axis") {
    const auto timeline = render_timeline(run_with(30.2, 30.3, "inline"));
    CHECK(has(timeline, "alice"));
    CHECK(has(timeline, "/players/charlie"));
    CHECK(std::count(timeline.begin(), timeline.end(), '\n') == 3);
}
