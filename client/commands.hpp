#pragma once
// The client's commands; each returns the process exit code.
#include "client_options.hpp"

namespace ranking {

int run_lookups(const ClientOptions& options); // rank NAME... / player NAME...
int run_story(const ClientOptions& options);
int run_mode(const ClientOptions& options);

} // namespace ranking
