#pragma once
// ranking-client's command line: global flags, then a command and its words.
#include "game.hpp"
#include "http_url.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ranking {

struct ClientOptions {
    HttpEndpoint data{"127.0.0.1", "8080"};
    HttpEndpoint admin{"127.0.0.1", "8081"};
    std::string data_url = "http://127.0.0.1:8080";
    std::string admin_url = "http://127.0.0.1:8081";
    std::chrono::milliseconds timeout{10'000};
    std::chrono::milliseconds story_delay{5};
    std::string command;            // rank, player, federation, story, mode, game
    std::vector<std::string> words; // player names, the wanted mode, the story's episode, a game
    GameSubmission game;            // game: checked here; an empty id asks for a fresh one
};

struct ParsedClientOptions {
    std::optional<ClientOptions> options;
    int exit_code = 0;
};

ParsedClientOptions parse_client_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err);

} // namespace ranking
