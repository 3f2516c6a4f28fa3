#include "run.hpp"

#include "cpu_steal.hpp"
#include "load_stream.hpp"
#include "progress.hpp"
#include "unix_time.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/resource.h>

#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace ranking::load {
namespace {

// Gives the shards and the canary a moment after the last connect before the first due time.
constexpr milliseconds start_margin{50};

struct Shard {
    Shard(const LoadOptions& options, const Club& club, const RunPlan& plan, unsigned number,
          const std::string& run_id)
        : recorder(plan) {
        StreamConfig config;
        config.server = options.server;
        config.connections = options.connections / options.threads +
                             (number < options.connections % options.threads ? 1 : 0);
        config.arrivals = options.arrivals;
        config.seed = options.seed + number;
        config.timeout = options.timeout;
        config.authorization = options.write_token.empty() ? "" : "Bearer " + options.write_token;
        if (options.rate) {
            config.rate = *options.rate / options.threads;
            // Uniform shards interleave so that together they are evenly spaced.
            if (options.arrivals == Arrivals::uniform)
                config.first_due = std::chrono::nanoseconds(
                    static_cast<std::int64_t>(1e9 * number / *options.rate));
        }
        // Game ids: the run, the seed and the shard keep every picker's ids apart.
        auto picker = std::make_shared<RequestPicker>(
            options.mix, club.names, club.size, options.seed * 7919 + number,
            "load-" + run_id + "-" + std::to_string(options.seed) + "-" + std::to_string(number) +
                "-");
        stream = std::make_unique<LoadStream>(
            context.get_executor(), config, [picker] { return picker->next(); }, plan, recorder);
    }

    net::io_context context{1};
    net::executor_work_guard<net::io_context::executor_type> guard{context.get_executor()};
    Recorder recorder;
    std::unique_ptr<LoadStream> stream;
    std::thread thread;
};

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto of = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return of(usage.ru_utime) + of(usage.ru_stime);
}

} // namespace

RunOutput execute_run(const LoadOptions& options, const Club& club, const RunPlan& plan,
                      net::io_context& control) {
    // Two runs against one database must never reuse a game id: the start time tells them apart.
    const auto run_id = std::to_string(unix_ms_now());
    std::vector<std::unique_ptr<Shard>> shards;
    for (unsigned i = 0; i < options.threads; ++i)
        shards.push_back(std::make_unique<Shard>(options, club, plan, i, run_id));
    for (auto& shard : shards)
        shard->thread = std::thread([&context = shard->context] { context.run(); });
    // Whatever happens, the shard threads must end before their io_contexts are destroyed.
    struct Joiner {
        std::vector<std::unique_ptr<Shard>>& shards;
        ~Joiner() {
            for (auto& shard : shards) {
                shard->guard.reset();
                shard->context.stop();
                if (shard->thread.joinable()) shard->thread.join();
            }
        }
    } joiner{shards};

    Recorder canary_recorder(plan);
    std::unique_ptr<LoadStream> canary;
    if (options.canary_rate > 0) {
        StreamConfig config;
        config.server = options.server;
        config.connections = 1;
        config.rate = options.canary_rate;
        config.timeout = options.timeout;
        canary = std::make_unique<LoadStream>(control.get_executor(), config, canary_request, plan,
                                              canary_recorder);
    }

    // Ramp up: every connection open before the first request is due.
    std::vector<std::future<void>> opened;
    for (auto& shard : shards)
        opened.push_back(net::co_spawn(shard->context, shard->stream->open(), net::use_future));
    if (canary) {
        auto opening = net::co_spawn(control, canary->open(), net::use_future);
        control.run();
        control.restart();
        opening.get();
    }
    for (auto& ramp : opened)
        ramp.get();

    const auto start = Clock::now() + start_margin;
    const double cpu_before = cpu_seconds();
    const auto machine_before = read_cpu_times();
    std::vector<const Recorder*> recorders{&canary_recorder};
    canary_recorder.begin(start);
    for (auto& shard : shards) {
        shard->recorder.begin(start);
        recorders.push_back(&shard->recorder);
    }

    ProgressLine progress(control.get_executor(), recorders, plan, options.rate, options.progress);
    // The scraper reads tens of KB of metrics text each second: on a thread of its own, so that
    // its parsing never delays the canary's answers on the control thread (on the same thread it
    // doubled the canary's p99).
    net::io_context scrape_context{1};
    std::optional<ServerScraper> scraper;
    if (options.server_metrics)
        scraper.emplace(scrape_context.get_executor(), options.admin, bearer(options.admin_token));
    std::size_t running = shards.size() + (canary ? 1 : 0);
    std::exception_ptr failure;
    const auto finished = [&](std::exception_ptr error) {
        if (error && !failure) failure = error;
        if (--running != 0) return;
        progress.stop();
        if (scraper) net::post(scrape_context, [&scraper] { scraper->stop(); });
    };
    for (auto& shard : shards) {
        // The shard reports back on the control thread, which owns `running`.
        net::co_spawn(shard->context, shard->stream->run(start),
                      [&control, finished](std::exception_ptr error) {
                          net::post(control, [finished, error] { finished(error); });
                      });
        shard->guard.reset();
    }
    if (canary) net::co_spawn(control, canary->run(start), finished);
    RunOutput output;
    if (!options.toggles.empty())
        net::co_spawn(control,
                      apply_toggles(options.admin, bearer(options.admin_token), options.toggles,
                                    start, options.timeout, output.toggles),
                      net::detached);
    net::co_spawn(control, progress.run(start), net::detached);
    // Joined on every way out: a std::thread destroyed while joinable ends the process
    // (std::terminate) before the error that left this scope could be reported.
    struct ScrapeThread {
        net::io_context& context;
        std::thread thread;
        ~ScrapeThread() {
            if (!thread.joinable()) return;
            context.stop();
            thread.join();
        }
    } scrape_thread{scrape_context, {}};
    if (scraper) {
        net::co_spawn(scrape_context, scraper->run(start), net::detached);
        scrape_thread.thread = std::thread([&scrape_context] { scrape_context.run(); });
    }
    control.run();
    for (auto& shard : shards)
        shard->thread.join();
    if (scrape_thread.thread.joinable()) scrape_thread.thread.join();
    if (failure) std::rethrow_exception(failure);

    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    output.cpu_percent = 100.0 * (cpu_seconds() - cpu_before) / wall;
    output.steal_percent = steal_percent(machine_before, read_cpu_times());
    if (scraper) output.server = scraper->timeline();
    output.results = canary_recorder.results();
    for (const auto& shard : shards)
        output.results.merge(shard->recorder.results());
    return output;
}

} // namespace ranking::load
