#include "store_bench_options.hpp"

#include "command_line.hpp"
#include "pg_game_store.hpp"
#include "version.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <ostream>

namespace po = boost::program_options;

namespace ranking {

ParsedStoreBenchOptions parse_store_bench_options(int argc, const char* const argv[],
                                                  std::ostream& out, std::ostream& err) {
    StoreBenchOptions o;
    o.dir = std::filesystem::temp_directory_path().string();
    std::string only;
    po::options_description desc("store-bench: the store alone, no HTTP, on this machine's disk, "
                                 "against SQLite's (and PostgreSQL's) own commit rate\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version and exit")
        ("rate", po::value(&o.rate)->default_value(o.rate),
         "games per second offered, open loop, to the group-commit runs")
        ("seconds", po::value(&o.seconds)->default_value(o.seconds),
         "how long each group-commit run offers them")
        ("dir", po::value(&o.dir)->default_value(o.dir),
         "where the SQLite files are made (the disk being measured)")
        ("db", po::value(&o.postgres),
         "a PostgreSQL connection string (postgresql://... or key=value): the same rows again "
         "against it; the database must be empty")
        ("only", po::value(&only),
         "'group-commit': the store's offload row alone, at --rate (not with --db)");
    // clang-format on
    const auto fail = [&](const std::string& message) {
        err << "store-bench: " << message << "\n(see store-bench --help)\n";
        return ParsedStoreBenchOptions{std::nullopt, 2};
    };
    po::variables_map vm;
    if (auto error = parse_flags(argc, argv, desc, vm)) return fail(*error);
    if (vm.count("version")) {
        out << version_line("store-bench");
        return {std::nullopt, 0};
    }
    if (vm.count("help")) {
        out << desc;
        return {std::nullopt, 0};
    }
    if (!(o.rate > 0)) return fail("--rate must be above 0");
    if (!(o.seconds > 0)) return fail("--seconds must be above 0");
    if (!o.postgres.empty() && !is_pg_conninfo(o.postgres))
        return fail("--db takes a PostgreSQL connection string (postgresql://... or key=value)");
    if (!only.empty() && only != "group-commit") return fail("--only takes 'group-commit'");
    o.only_group_commit = !only.empty();
    if (o.only_group_commit && !o.postgres.empty()) return fail("--only is not for use with --db");
    return {o, 0};
}

} // namespace ranking
