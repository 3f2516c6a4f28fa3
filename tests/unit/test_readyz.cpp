// GET /readyz: ready while the store can take a game and the server runs; 503 saying why
// otherwise (the PostgreSQL side, a lost connection, is in the PostgreSQL integration tests).
#include "club.hpp"
#include "data_routes.hpp"
#include "data_routes_fixture.hpp"
#include "sqlite_game_store.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

using namespace ranking;

TEST_CASE("/readyz: 200 while the server runs, 503 with Retry-After once it stops") {
    const auto file = std::filesystem::temp_directory_path() /
                      ("ranking-readyz-" + std::to_string(::getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(file.string() + suffix);
    {
        SqliteGameStore store{{file}, [] { return generate_club(10); }};
        testing::DataRoutesFixture routes{store, WorkPlacement::offload, 4};
        IncomingRequest request;
        request.method = "GET";
        request.target = "/readyz";

        Reply ready;
        CHECK_FALSE(answer_data_request(request, routes.context, ready)); // answered at once
        CHECK(ready.status == 200);
        CHECK(ready.body == R"({"status":"ready"})");

        routes.draining = true;
        Reply stopping;
        CHECK_FALSE(answer_data_request(request, routes.context, stopping));
        CHECK(stopping.status == 503);
        CHECK(stopping.retry_after_seconds > 0);
        CHECK(stopping.body.find("not ready: the server is stopping") != std::string::npos);

        Reply health; // liveness is not readiness: /healthz still answers 200
        request.target = "/healthz";
        CHECK_FALSE(answer_data_request(request, routes.context, health));
        CHECK(health.status == 200);
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(file.string() + suffix);
}
