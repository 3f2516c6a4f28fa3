#pragma once
// store-bench's command line, parsed as the other tools parse theirs: --help on stdout and exit
// 0, a bad option named on stderr and exit 2.
#include <iosfwd>
#include <optional>
#include <string>

namespace ranking {

struct StoreBenchOptions {
    double rate = 5000;   // games per second offered to the group-commit runs
    double seconds = 5;   // how long each group-commit run offers them
    std::string dir;      // where the SQLite files are made (the disk measured)
    std::string postgres; // a PostgreSQL connection string: its three rows too; empty: none
    bool only_group_commit = false;
};

struct ParsedStoreBenchOptions {
    std::optional<StoreBenchOptions> options; // nothing: exit with exit_code
    int exit_code = 0;
};

ParsedStoreBenchOptions parse_store_bench_options(int argc, const char* const argv[],
                                                  std::ostream& out, std::ostream& err);

} // namespace ranking
