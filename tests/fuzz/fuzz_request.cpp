// libFuzzer: raw bytes through the server's request path, as the server runs it: the parser
// with the server's limits (parse_request), the data plane's real answer coroutine (inline mode,
// a one-iteration hash), and the admin API. Every answer must be JSON; errors must say why.
#include "admin_api.hpp"
#include "club.hpp"
#include "data_routes.hpp"
#include "data_routes_fixture.hpp"
#include "server_connection.hpp"
#include "sqlite_game_store.hpp"

#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace ranking;

namespace {

// A fresh database per fuzzing process; games that parse are really stored.
SqliteStoreConfig fuzz_store() {
    const auto file = std::filesystem::temp_directory_path() /
                      ("ranking-fuzz-" + std::to_string(::getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(file.string() + suffix);
    return {file};
}

struct Fixture {
    SqliteGameStore store{fuzz_store(), [] { return generate_club(50); }};
    testing::DataRoutesFixture routes{store, WorkPlacement::inline_on_loop, 4};
    ConnectionLimits limits;
};

void require_json(const Reply& reply) {
    const auto body = nlohmann::json::parse(reply.body); // throws (a finding) if not JSON
    if (reply.status >= 400 && !body.contains("error")) std::abort();
    if (reply.status < 100 || reply.status > 599) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const auto read = parse_request(raw, fixture.limits);
    if (read.error) require_json(*read.error);
    if (!read.request) return 0;

    fixture.routes.watch.loop_thread.bind();
    auto request = *read.request; // the handler may move from it
    Reply reply;
    if (const auto later = answer_data_request(request, fixture.routes.context, reply)) {
        net::io_context loop;
        net::co_spawn(loop, later(), [&](std::exception_ptr error, Reply answer) {
            if (error) std::rethrow_exception(error);
            reply = std::move(answer);
        });
        loop.run();
    }
    require_json(reply);

    std::atomic<WorkPlacement> admin_mode{WorkPlacement::offload};
    require_json(answer_admin_request(read.request->method, read.request->target,
                                      read.request->body, admin_mode));
    return 0;
}
