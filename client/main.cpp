// ranking-client: one io_context, every request of a command in flight at once.
#include "client_options.hpp"
#include "commands.hpp"

#include <cstdio>
#include <exception>
#include <iostream>

using namespace ranking;

int main(int argc, char* argv[]) {
    const auto parsed = parse_client_options(argc, argv, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    const auto& options = *parsed.options;
    try {
        if (options.command == "story") return run_story(options);
        if (options.command == "mode") return run_mode(options);
        if (options.command == "game") return run_game(options);
        if (options.command == "history") return run_history(options);
        if (options.command == "vs") return run_vs(options);
        return run_lookups(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ranking-client: unexpected answer: %s\n", e.what());
        return 1;
    }
}
