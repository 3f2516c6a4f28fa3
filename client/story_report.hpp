#pragma once
// The story's timeline and verdict, from measured times alone (no I/O): unit-testable.
#include <string>
#include <vector>

namespace ranking {

struct StoryLeg {
    std::string player;   // alice, bob, charlie
    std::string target;   // what was asked
    double start_ms = 0;  // since the story's start
    double finish_ms = 0; // answer fully received
    int status = 0;
};

struct StoryRun {
    StoryLeg alice;              // /rank/alice: the costly, token-bearing request
    std::vector<StoryLeg> cheap; // /players/bob, /players/charlie
    double hash_ms = 0;          // what alice's answer says her hash cost
    std::string mode;            // where the server ran it
};

// One line per leg with a bar over a shared time axis.
std::string render_timeline(const StoryRun& run);

// Ordering, not timing, decides: a cheap lookup that finished after alice waited behind her.
std::string story_verdict(const StoryRun& run);

} // namespace ranking
