#include "client_options.hpp"
#include "config_reload.hpp"
#include "server_options.hpp"
#include "version.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using namespace ranking;

namespace {
template <typename Parse>
auto parse(Parse parse_fn, std::vector<const char*> args, std::string* err_text = nullptr) {
    args.insert(args.begin(), "prog");
    std::ostringstream out, err;
    auto parsed = parse_fn(static_cast<int>(args.size()), args.data(), out, err);
    if (err_text) *err_text = err.str();
    return parsed;
}
} // namespace

TEST_CASE("server options: defaults, --blocking, and contradictions") {
    const auto defaults = parse(parse_server_options, {});
    REQUIRE(defaults.options);
    CHECK(defaults.options->server.port == 8080);
    CHECK(defaults.options->server.admin_port == 8081);
    CHECK(defaults.options->server.mode == WorkPlacement::offload);
    CHECK(defaults.options->server.pool_threads >= 1);

    CHECK(parse(parse_server_options, {"--blocking"}).options->server.mode ==
          WorkPlacement::inline_on_loop);
    CHECK(parse(parse_server_options, {"--mode", "inline"}).options->server.mode ==
          WorkPlacement::inline_on_loop);

    std::string err;
    CHECK(parse(parse_server_options, {"--mode", "fast"}, &err).exit_code == 2);
    CHECK(err.find("--mode must be") != std::string::npos);
    CHECK(parse(parse_server_options, {"--blocking", "--mode", "offload"}).exit_code == 2);
    CHECK(parse(parse_server_options, {"--hash-ms", "20", "--hash-iterations", "5"}).exit_code ==
          2);
    CHECK(parse(parse_server_options, {"--port", "70000"}).exit_code == 2);
    CHECK(parse(parse_server_options, {"--players", "2"}).exit_code == 2);
    CHECK(parse(parse_server_options, {"--frobnicate"}).exit_code == 2);
    const auto help = parse(parse_server_options, {"--help"});
    CHECK_FALSE(help.options);
    CHECK(help.exit_code == 0);
}

TEST_CASE("server options: --stall-detector on (default) or off, nothing else") {
    CHECK(parse(parse_server_options, {}).options->server.stall_detector);
    CHECK_FALSE(
        parse(parse_server_options, {"--stall-detector", "off"}).options->server.stall_detector);
    std::string err;
    CHECK(parse(parse_server_options, {"--stall-detector", "maybe"}, &err).exit_code == 2);
    CHECK(err.find("--stall-detector must be 'on' or 'off'") != std::string::npos);
}

TEST_CASE("server options: --pool-priority idle (default), normal, nice:N") {
    const auto defaults = parse(parse_server_options, {});
    REQUIRE(defaults.options);
    CHECK(defaults.options->server.pool_priority ==
          BackgroundPriority{BackgroundPriorityKind::idle, 0});
    CHECK(
        parse(parse_server_options, {"--pool-priority", "normal"}).options->server.pool_priority ==
        BackgroundPriority{BackgroundPriorityKind::normal, 0});
    CHECK(
        parse(parse_server_options, {"--pool-priority", "nice:19"}).options->server.pool_priority ==
        BackgroundPriority{BackgroundPriorityKind::nice, 19});
    std::string err;
    for (const char* bad : {"nice:0", "nice:20", "nice:", "nice:5x", "nice:-3", "low", ""}) {
        CHECK(parse(parse_server_options, {"--pool-priority", bad}, &err).exit_code == 2);
        CHECK(err.find("--pool-priority must be") != std::string::npos);
    }
    CHECK(to_string(BackgroundPriority{BackgroundPriorityKind::nice, 7}) == "nice:7");
    CHECK(
        parse_background_priority(to_string(BackgroundPriority{BackgroundPriorityKind::nice, 7})) ==
        BackgroundPriority{BackgroundPriorityKind::nice, 7});
}

TEST_CASE("server options: --storage-priority (idle by default) and --commit-spacing-us") {
    const auto defaults = parse(parse_server_options, {});
    REQUIRE(defaults.options);
    CHECK(defaults.options->server.storage_priority ==
          BackgroundPriority{BackgroundPriorityKind::idle, 0});
    CHECK(defaults.options->server.store.commit_spacing == std::chrono::microseconds(1000));
    const auto given =
        parse(parse_server_options, {"--storage-priority", "nice:5", "--commit-spacing-us", "0"});
    REQUIRE(given.options);
    CHECK(given.options->server.storage_priority ==
          BackgroundPriority{BackgroundPriorityKind::nice, 5});
    CHECK(given.options->server.store.commit_spacing == std::chrono::microseconds(0));
    std::string err;
    CHECK(parse(parse_server_options, {"--storage-priority", "low"}, &err).exit_code == 2);
    CHECK(err.find("--storage-priority must be") != std::string::npos);
    CHECK(parse(parse_server_options, {"--commit-spacing-us", "-1"}, &err).exit_code == 2);
    CHECK(err.find("--commit-spacing-us must be 0..1000000") != std::string::npos);
}

TEST_CASE("server options: --max-pages-in-flight (4 by default, 1..10000)") {
    const auto defaults = parse(parse_server_options, {});
    REQUIRE(defaults.options);
    CHECK(defaults.options->server.max_pages_in_flight == 4);
    const auto given = parse(parse_server_options, {"--max-pages-in-flight", "1"});
    REQUIRE(given.options);
    CHECK(given.options->server.max_pages_in_flight == 1);
    std::string err;
    CHECK(parse(parse_server_options, {"--max-pages-in-flight", "0"}, &err).exit_code == 2);
    CHECK(err.find("--max-pages-in-flight must be 1..10000") != std::string::npos);
}

TEST_CASE("server and client options: --version prints the name and version, exit 0") {
    std::vector<const char*> args{"prog", "--version"};
    std::ostringstream out, err;
    const auto server = parse_server_options(2, args.data(), out, err);
    CHECK_FALSE(server.options);
    CHECK(server.exit_code == 0);
    CHECK(out.str() == "ranking-server " + std::string(project_version) + "\n");
    out.str("");
    const auto client = parse_client_options(2, args.data(), out, err);
    CHECK_FALSE(client.options);
    CHECK(client.exit_code == 0);
    CHECK(out.str() == "ranking-client " + std::string(project_version) + "\n");
}

TEST_CASE("client options: commands and their words") {
    const auto story = parse(parse_client_options, {"--url", "http://127.0.0.1:9", "story"});
    REQUIRE(story.options);
    CHECK(story.options->data.port == "9");
    const auto rank = parse(parse_client_options, {"rank", "alice", "bob"});
    REQUIRE(rank.options);
    CHECK(rank.options->words == std::vector<std::string>{"alice", "bob"});
    CHECK(parse(parse_client_options, {}).exit_code == 2);
    CHECK(parse(parse_client_options, {"rank"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"mode", "sideways"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"dance"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"--url", "localhost:8080", "story"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"story", "io"}).options);
    CHECK(parse(parse_client_options, {"story", "disk"}).exit_code == 2);
}

TEST_CASE("client options: a game is checked before anything is sent") {
    const auto game = parse(parse_client_options, {"game", "Alice", "bob", "1/2-1/2"});
    REQUIRE(game.options);
    CHECK(game.options->game == GameSubmission{"", "alice", "bob", GameResult::draw, std::nullopt});
    const auto with_id =
        parse(parse_client_options, {"game", "alice", "bob", "0-1", "--id", "club:r1.b3"});
    REQUIRE(with_id.options);
    CHECK(with_id.options->game.id == "club:r1.b3");
    CHECK(with_id.options->game.result == GameResult::black_wins);

    std::string err;
    CHECK(parse(parse_client_options, {"game", "alice", "bob", "1:0"}, &err).exit_code == 2);
    CHECK(err.find("RESULT must be 1-0, 0-1 or 1/2-1/2") != std::string::npos);
    CHECK(parse(parse_client_options, {"game", "alice", "bob", "1-0", "--id", "a/b"}, &err)
              .exit_code == 2);
    CHECK(err.find("--id must be 1 to 64 characters") != std::string::npos);
    CHECK(parse(parse_client_options, {"game", "alice", "bob", "1-0", "--id", ""}).exit_code == 2);
    CHECK(parse(parse_client_options, {"game", "alice", "ALICE", "1-0"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"game", "alice", "b ob", "1-0"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"game", "alice", "bob"}).exit_code == 2);
    CHECK(parse(parse_client_options, {"player", "alice", "--id", "x"}).exit_code == 2);
}

TEST_CASE("server options: tokens come from a file or the environment, never from argv") {
    ::unsetenv("RANKING_ADMIN_TOKEN");
    ::unsetenv("RANKING_WRITE_TOKEN");
    std::string err;
    CHECK(parse(parse_server_options, {"--admin-token", "s3cret"}, &err).exit_code == 2);
    CHECK(err.find("s3cret") == std::string::npos); // refused without echoing it

    const auto file = std::filesystem::temp_directory_path() / "ranking-test-token";
    std::ofstream(file) << "  from-file \n";
    const auto from_file = parse(parse_server_options, {"--admin-token-file", file.c_str(),
                                                        "--write-token-file", file.c_str()});
    REQUIRE(from_file.options);
    CHECK(from_file.options->server.admin_token == "from-file");
    CHECK(from_file.options->server.write_token == "from-file");
    std::filesystem::remove(file);
    CHECK(parse(parse_server_options, {"--admin-token-file", file.c_str()}, &err).exit_code == 2);
    CHECK(err.find("cannot read a token") != std::string::npos);

    ::setenv("RANKING_ADMIN_TOKEN", "from-env", 1);
    ::setenv("RANKING_WRITE_TOKEN", "write-env", 1);
    const auto from_env = parse(parse_server_options, {});
    CHECK(from_env.options->server.admin_token == "from-env");
    CHECK(from_env.options->server.write_token == "write-env");
    ::unsetenv("RANKING_ADMIN_TOKEN");
    ::unsetenv("RANKING_WRITE_TOKEN");
    CHECK(parse(parse_server_options, {"--admin-address", "0.0.0.0"}, &err).exit_code == 2);
    CHECK(err.find("--admin-token-file") != std::string::npos);
}

TEST_CASE("server options: the per-client cap spares loopback unless given, budgets and caps") {
    const auto defaults = parse(parse_server_options, {});
    REQUIRE(defaults.options);
    CHECK(defaults.options->server.max_connections_per_client == 256);
    CHECK_FALSE(defaults.options->server.cap_loopback);
    CHECK(defaults.options->server.answer_budget_bytes == std::size_t{64} << 20);
    CHECK(defaults.options->server.admin_max_connections == 64);
    const auto given =
        parse(parse_server_options, {"--max-connections-per-client", "3", "--answer-budget-mb",
                                     "32", "--write-timeout-ms", "500", "--admin-host",
                                     "ranking.lan", "--admin-host", "10.0.0.5"});
    REQUIRE(given.options);
    CHECK(given.options->server.max_connections_per_client == 3);
    CHECK(given.options->server.cap_loopback);
    CHECK(given.options->server.answer_budget_bytes == std::size_t{32} << 20);
    CHECK(given.options->server.limits.write_timeout == std::chrono::milliseconds(500));
    CHECK(given.options->server.admin_hosts == std::vector<std::string>{"ranking.lan", "10.0.0.5"});
    CHECK(parse(parse_server_options, {"--admin-max-connections", "1000"}).exit_code == 2);
}

namespace {
std::filesystem::path write_config(const std::string& name, const std::string& text) {
    const auto file = std::filesystem::temp_directory_path() / name;
    std::ofstream(file) << text;
    return file;
}
} // namespace

TEST_CASE("server options: --config reads the same names, and the command line wins") {
    const auto file = write_config("ranking-test.conf", "# the club's server\n"
                                                        "stall-warn-ms = 250\n"
                                                        "port = 9000\n"
                                                        "mode = inline\n"
                                                        "admin-host = a.example\n"
                                                        "admin-host = b.example\n");
    const auto from_file = parse(parse_server_options, {"--config", file.c_str()});
    REQUIRE(from_file.options);
    CHECK(from_file.options->server.stall_warn == std::chrono::milliseconds(250));
    CHECK(from_file.options->server.port == 9000);
    CHECK(from_file.options->server.mode == WorkPlacement::inline_on_loop);
    CHECK(from_file.options->server.admin_hosts ==
          std::vector<std::string>{"a.example", "b.example"});
    CHECK(from_file.options->given.at("port") == "9000");

    const auto overridden =
        parse(parse_server_options, {"--config", file.c_str(), "--port", "9100"});
    REQUIRE(overridden.options);
    CHECK(overridden.options->server.port == 9100);
    CHECK(overridden.options->given.at("port") == "9100");
    CHECK(overridden.options->server.stall_warn == std::chrono::milliseconds(250));

    std::string err;
    const auto bad = write_config("ranking-test-bad.conf", "stall-warn-ms = 250\nbogus = 1\n");
    CHECK(parse(parse_server_options, {"--config", bad.c_str()}, &err).exit_code == 2);
    CHECK(err.find(bad.string()) != std::string::npos);
    CHECK(err.find("'bogus'") != std::string::npos);
    const auto help = write_config("ranking-test-help.conf", "help = 1\n");
    CHECK(parse(parse_server_options, {"--config", help.c_str()}, &err).exit_code == 2);
    std::filesystem::remove(file);
    CHECK(parse(parse_server_options, {"--config", file.c_str()}, &err).exit_code == 2);
    CHECK(err.find("cannot read the configuration file") != std::string::npos);
    std::filesystem::remove(bad);
    std::filesystem::remove(help);
}

TEST_CASE("server options: root only with --allow-root, given on the command line alone") {
    const auto plain = parse(parse_server_options, {});
    REQUIRE(plain.options);
    const auto refusal = root_refusal(*plain.options, 0);
    REQUIRE(refusal);
    CHECK(refusal->find("--allow-root") != std::string::npos);
    CHECK_FALSE(root_refusal(*plain.options, 1000));

    const auto allowed = parse(parse_server_options, {"--allow-root"});
    REQUIRE(allowed.options);
    CHECK_FALSE(root_refusal(*allowed.options, 0));

    // A line in a file the package installs must not lift the refusal.
    std::string err;
    const auto file = write_config("ranking-test-root.conf", "allow-root = 1\n");
    CHECK(parse(parse_server_options, {"--config", file.c_str()}, &err).exit_code == 2);
    CHECK(err.find("'allow-root'") != std::string::npos);
    std::filesystem::remove(file);
}

TEST_CASE("server options: a reload applies the threshold and the tokens, and names the rest") {
    ::unsetenv("RANKING_WRITE_TOKEN");
    const auto token = write_config("ranking-test-write-token", "first\n");
    const auto running = parse(parse_server_options, {"--write-token-file", token.c_str(),
                                                      "--stall-warn-ms", "100", "--port", "9000"});
    REQUIRE(running.options);
    std::ofstream(token) << "second\n";
    const auto next = parse(parse_server_options,
                            {"--write-token-file", token.c_str(), "--stall-warn-ms", "300",
                             "--port", "9100", "--mode", "inline", "--log-level", "warning"});
    REQUIRE(next.options);
    const auto plan = plan_reload(*running.options, *next.options);
    CHECK(plan.stall_warn == std::chrono::milliseconds(300));
    CHECK(plan.write_token == "second");
    CHECK(plan.log_level == LogLevel::warning);
    CHECK_FALSE(plan.admin_token);
    CHECK(plan.need_restart == std::vector<std::string>{"--mode", "--port"});
    for (const auto& line : plan.applied)
        CHECK(line.find("second") == std::string::npos); // a token is never in the log

    auto adopted = *running.options; // a second reload of the same file: nothing to apply,
    adopt_reload(adopted, *next.options, plan); // the same options still wait for a restart
    const auto again = plan_reload(adopted, *next.options);
    CHECK(again.applied.empty());
    CHECK(again.need_restart == std::vector<std::string>{"--mode", "--port"});

    const auto same = plan_reload(*next.options, *next.options);
    CHECK_FALSE(same.stall_warn);
    CHECK_FALSE(same.write_token);
    CHECK(same.applied.empty());
    CHECK(same.need_restart.empty());
    std::filesystem::remove(token);
}
