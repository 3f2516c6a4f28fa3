#pragma once
// The client's commands; each returns the process exit code.
#include "client_options.hpp"

namespace ranking {

int run_lookups(const ClientOptions& options); // rank NAME... / player NAME...
int run_story(const ClientOptions& options);   // story, story io
int run_game(const ClientOptions& options);    // game WHITE BLACK RESULT [--id ID]
int run_mode(const ClientOptions& options);

} // namespace ranking
