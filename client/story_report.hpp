#pragma once
// The story's timeline and verdict, from measured times alone (no I/O): unit-testable.
#include <string>
#include <vector>

namespace ranking {

struct StoryLeg {
    std::string player;   // alice, bob, charlie
    std::string target;   // what was asked
    double start_ms = 0;  // since the story's start
    double head_ms = 0;   // the answer's status line came: the server's work for it was done
    double finish_ms = 0; // answer fully received (later than head_ms for a large body)
    int status = 0;
};

struct StoryRun {
    StoryLeg alice;              // the costly request: /rank/alice, or the export of every game
    std::vector<StoryLeg> cheap; // /players/bob, /players/charlie
    std::string alice_work;      // what her answer says it cost: "32.0 ms hash", "export of ..."
    std::string mode;            // where the server ran it
};

// One line per leg with a bar over a shared time axis: '#' until the answer began, '=' while a
// large body was still arriving.
std::string render_timeline(const StoryRun& run);

// Ordering, not timing, decides: a cheap lookup that finished after alice's answer began (her
// work was done) waited behind her, unless it was only sent after that (her work was too short
// to block anyone). Alice's head, not her last byte: a large body takes a while to arrive, and
// the server answers others meanwhile.
std::string story_verdict(const StoryRun& run);

} // namespace ranking
