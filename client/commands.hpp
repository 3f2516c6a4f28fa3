#pragma once
// The client's commands; each returns the process exit code.
#include "client_options.hpp"
#include "submit_game.hpp"

namespace ranking {

int run_lookups(const ClientOptions& options); // rank / player / federation NAME...
int run_story(const ClientOptions& options);   // story, story io
// game WHITE BLACK RESULT [--id ID]: a 503 or a lost answer is asked again with the same id,
// as `policy` says; exit 0 on 201 or 200.
int run_game(const ClientOptions& options, const GameRetryPolicy& policy = {});
int run_mode(const ClientOptions& options);
int run_history(const ClientOptions& options); // history NAME
int run_vs(const ClientOptions& options);      // vs NAME OPPONENT

} // namespace ranking
