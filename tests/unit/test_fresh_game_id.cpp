#include "fresh_game_id.hpp"
#include "game.hpp"

#include <doctest/doctest.h>

using namespace ranking;

TEST_CASE("a made-up game id is valid, carries its prefix, and is not made up twice") {
    const auto first = fresh_game_id("story");
    CHECK(first.starts_with("story-"));
    CHECK(valid_game_id(first + "-3")); // the story numbers its games after it
    CHECK(fresh_game_id("story") != first);
}
