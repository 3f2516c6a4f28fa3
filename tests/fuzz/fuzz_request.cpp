// libFuzzer: raw bytes through the server's request path, as the server runs it: the parser
// with the server's limits (parse_request), the data plane's real answer coroutine (inline mode,
// a one-iteration hash), and the admin API. Every answer must be JSON; errors must say why.
#include "admin_api.hpp"
#include "club.hpp"
#include "data_routes.hpp"
#include "load_levels.hpp"
#include "loop_watch.hpp"
#include "server_connection.hpp"
#include "server_metrics.hpp"
#include "sqlite_game_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

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
    Ranking club{store.players_at_open()};
    std::atomic<WorkPlacement> mode{WorkPlacement::inline_on_loop};
    net::thread_pool pool{1};
    ServerMetrics metrics;
    LoopWatch watch{metrics};
    LoadLevels levels;
    MemoryBudget answer_budget{64 << 20};
    DataContext context{.ranking = club,
                        .store = store,
                        .mode = mode,
                        .cpu_pool = pool,
                        .secret = "fuzz-secret",
                        .hash_iterations = 1,
                        .max_pending_hashes = 16,
                        .max_pages_in_flight = 4,
                        .watch = watch,
                        .metrics = metrics,
                        .levels = levels,
                        .answer_budget = answer_budget};
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

    fixture.watch.loop_thread.bind();
    auto request = *read.request; // the handler may move from it
    Reply reply;
    if (const auto later = answer_data_request(request, fixture.context, reply)) {
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
