// ranking-load: parse options, learn the club and the mode, run the plan, report.
#include "analysis.hpp"
#include "control.hpp"
#include "limits.hpp"
#include "load_stream.hpp"
#include "options.hpp"
#include "report_json.hpp"
#include "report_text.hpp"
#include "run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>

using namespace ranking;
using namespace ranking::load;

namespace {

// Runs one coroutine on the control context to completion and returns its result.
template <typename T> T run_now(net::io_context& context, net::awaitable<T> work) {
    auto result = net::co_spawn(context, std::move(work), net::use_future);
    context.run();
    context.restart();
    return result.get();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
    if (!file) throw std::runtime_error("cannot write " + path.string());
}

} // namespace

int main(int argc, char* argv[]) {
    const auto parsed = parse_load_options(argc, argv, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    const LoadOptions& options = *parsed.options;
    try {
        if (const auto problem = check_capacity(options.connections + 1)) {
            std::fprintf(stderr, "ranking-load: %s\n", problem->c_str());
            return 1;
        }
        net::io_context control{1};
        // Only a mix that draws from the club needs a ranking-server's /leaderboard at start.
        const Club club = needs_club(options.mix)
                              ? run_now(control, fetch_club(options.server, options.player_names,
                                                            options.timeout))
                              : Club{};
        const auto mode = run_now(
            control, current_mode(options.admin, bearer(options.admin_token), options.timeout));
        if (!mode.mode && !options.toggles.empty()) {
            std::fprintf(stderr,
                         "ranking-load: the admin plane %s does not answer GET /mode (%s), so "
                         "--toggle-at cannot work\n",
                         options.admin_url.c_str(), mode.problem.c_str());
            return 1;
        }
        if (!mode.mode)
            std::fprintf(stderr, "ranking-load: %s; the phases are labelled 'unknown'\n",
                         mode.problem.c_str());
        char rate[32] = "max";
        if (options.rate) std::snprintf(rate, sizeof rate, "%g/s", *options.rate);
        const RunPlan plan(options.warmup, options.duration, options.timeout, options.toggles,
                           mode.mode.value_or("unknown"));
        std::fprintf(stderr,
                     "ranking-load: %s, %u connections on %u thread%s, rate %s, mix %s, canary "
                     "%g/s, warmup %.1f s + %.1f s, club of %zu (%zu names)\n",
                     options.url.c_str(), options.connections, options.threads,
                     options.threads == 1 ? "" : "s", rate, to_string(options.mix).c_str(),
                     options.canary_rate, std::chrono::duration<double>(options.warmup).count(),
                     std::chrono::duration<double>(options.duration).count(), club.size,
                     club.names.size());

        const RunOutput output = execute_run(options, club, plan, control);
        const auto modes = summarize_by_mode(output.results, plan);
        const auto verdict =
            judge(output.results, plan, options, output.cpu_percent, output.steal_percent);
        const RunReport report{.options = options,
                               .plan = plan,
                               .results = output.results,
                               .modes = modes,
                               .verdict = verdict,
                               .toggles = output.toggles,
                               .server = output.server};
        std::cout << render_terminal(report);
        if (options.json) write_file(*options.json, report_json(report).dump(2) + "\n");
        if (options.markdown) write_file(*options.markdown, render_markdown(report));
        if (options.csv) {
            std::ofstream csv(*options.csv);
            write_timeline_csv(report, csv);
            if (!csv) throw std::runtime_error("cannot write " + options.csv->string());
        }
        std::uint64_t answered = 0;
        for (const auto& phase : output.results.phases)
            answered += data_series(phase).ok;
        if (answered == 0) {
            std::fprintf(stderr, "ranking-load: no request was answered with 2xx\n");
            return 1;
        }
        return 0;
    } catch (const RampError& e) {
        std::fprintf(stderr, "ranking-load: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ranking-load: %s\n", e.what());
        return 1;
    }
}
