#pragma once
// A throwaway PostgreSQL server for the tests: initdb into a fresh temp directory, started on a
// free loopback port with its socket in that directory, stopped (pg_ctl stop -m immediate) and
// the directory removed at the end, by the destructor or, when the test process dies without
// running it, by a watcher. PostgreSQL refuses to run as root, so as root (CI) every server
// command runs as Debian's `postgres` user through runuser, in a directory it owns.
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace ranking {

class TempPostgres {
public:
    // The one server of this test process, started on first use; null when PostgreSQL's
    // binaries (or, as root, runuser and the postgres user) are missing: `why` says what.
    static TempPostgres* shared(std::string& why);

    ~TempPostgres();
    TempPostgres(const TempPostgres&) = delete;
    TempPostgres& operator=(const TempPostgres&) = delete;

    // A new empty database on this server; its libpq connection string.
    std::string create_database();

    void stop();  // fast shutdown: clients are disconnected
    void start(); // again, on the same port and directory

private:
    TempPostgres(std::filesystem::path bin, std::string as_postgres);
    void run(const std::string& command, const char* what) const;
    void stop_when_gone(pid_t owner) const;

    std::filesystem::path bin_;
    std::string as_postgres_; // "runuser -u postgres -- " as root, empty otherwise
    std::filesystem::path directory_;
    unsigned short port_ = 0;
    int databases_ = 0;
};

} // namespace ranking
