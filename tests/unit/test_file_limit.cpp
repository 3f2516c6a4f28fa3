#include "file_limit.hpp"

#include <doctest/doctest.h>

#include <climits>

using namespace ranking;

TEST_CASE("--max-connections default: the open-file limit less the reserve, no 10000 cap") {
    constexpr auto reserve = static_cast<std::size_t>(descriptor_reserve);
    CHECK(default_max_connections(20'000) == 20'000u - reserve); // this machine's limit
    CHECK(default_max_connections(65'536) == 65'536u - reserve);
    CHECK(default_max_connections(1'048'576) == max_connections_ceiling);
    CHECK(default_max_connections(LONG_MAX) == max_connections_ceiling); // unlimited
    CHECK(default_max_connections(1024) == 1024u - reserve);
    CHECK(default_max_connections(-1) == 1024u - reserve); // getrlimit failed
    CHECK(default_max_connections(200) == 16u);            // tiny limits keep a floor
    CHECK(default_max_connections(0) == 16u);
}
