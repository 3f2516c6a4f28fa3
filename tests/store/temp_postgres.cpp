#include "temp_postgres.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace ranking {
namespace {

namespace fs = std::filesystem;

// The newest Debian-installed server (/usr/lib/postgresql/N/bin), where initdb lives.
std::optional<fs::path> find_server_binaries() {
    std::optional<fs::path> newest;
    std::error_code ec;
    for (const auto& version : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const auto bin = version.path() / "bin";
        if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") && (!newest || bin > *newest))
            newest = bin;
    }
    return newest;
}

unsigned short free_loopback_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("temp PostgreSQL: no free loopback port");
    ::close(s);
    return ntohs(address.sin_port);
}

std::string file_text(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TempPostgres* TempPostgres::shared(std::string& why) {
    static std::string missing;
    static const std::unique_ptr<TempPostgres> server = []() -> std::unique_ptr<TempPostgres> {
        const auto bin = find_server_binaries();
        if (!bin) {
            missing = "PostgreSQL's server binaries are not installed (no "
                      "/usr/lib/postgresql/*/bin/initdb; scripts/install-deps.sh installs them)";
            return nullptr;
        }
        std::string as_postgres;
        if (::geteuid() == 0) { // PostgreSQL refuses to run as root
            if (!::getpwnam("postgres") || std::system("command -v runuser >/dev/null") != 0) {
                missing = "running as root, but there is no postgres user or no runuser";
                return nullptr;
            }
            as_postgres = "runuser -u postgres -- ";
        }
        return std::unique_ptr<TempPostgres>(new TempPostgres(*bin, as_postgres));
    }();
    why = missing;
    return server.get();
}

TempPostgres::TempPostgres(std::filesystem::path bin, std::string as_postgres)
    : bin_(std::move(bin)), as_postgres_(std::move(as_postgres)) {
    std::string pattern = (fs::temp_directory_path() / "ranking-pg-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("temp PostgreSQL: mkdtemp failed");
    directory_ = pattern;
    if (!as_postgres_.empty()) {
        const auto* postgres = ::getpwnam("postgres");
        if (::chown(directory_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
            throw std::runtime_error("temp PostgreSQL: cannot chown " + directory_.string());
    }
    run(as_postgres_ + (bin_ / "initdb").string() + " -D " + (directory_ / "data").string() +
            " -A trust -U ranking -N >" + (directory_ / "initdb.log").string() + " 2>&1",
        "initdb");
    port_ = free_loopback_port();
    stop_when_gone(::getpid()); // before the server exists: a crash in start() is covered too
    start();
}

void TempPostgres::stop_when_gone(pid_t owner) const {
    // pg_ctl's server is nobody's child, so a test binary that crashes, or that ctest kills at its
    // timeout, would leave it running: this watcher stops it and removes the directory once the
    // owner is gone. Started from a shell that exits at once, it is not in the owner's process
    // tree either, where a kill of the tree would reach it. The second's grace is for a pg_ctl
    // start that the owner left running: its server has written postmaster.pid by then.
    const auto data = (directory_ / "data").string();
    const std::string watcher =
        "(while kill -0 " + std::to_string(owner) +
        " 2>/dev/null; do sleep 1; done; sleep 1; [ -f " + data + "/postmaster.pid ] && " +
        as_postgres_ + (bin_ / "pg_ctl").string() + " -D " + data + " stop -m immediate; rm -rf " +
        directory_.string() + ") </dev/null >/dev/null 2>&1 &";
    if (std::system(watcher.c_str()) != 0)
        throw std::runtime_error("temp PostgreSQL: cannot start its watcher");
}

TempPostgres::~TempPostgres() {
    // Immediate: the tests are over, nothing in this cluster is worth a checkpoint.
    const auto stop = as_postgres_ + (bin_ / "pg_ctl").string() + " -D " +
                      (directory_ / "data").string() + " stop -m immediate >/dev/null 2>&1";
    [[maybe_unused]] const int status = std::system(stop.c_str());
    std::error_code ec;
    fs::remove_all(directory_, ec);
}

void TempPostgres::run(const std::string& command, const char* what) const {
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error(std::string("temp PostgreSQL: ") + what + " failed:\n" +
                                 file_text(directory_ / "initdb.log") +
                                 file_text(directory_ / "server.log"));
}

void TempPostgres::start() {
    const auto port = std::to_string(port_);
    run(as_postgres_ + (bin_ / "pg_ctl").string() + " -D " + (directory_ / "data").string() +
            " -l " + (directory_ / "server.log").string() + " -w -t 60 -o \"-p " + port + " -k " +
            directory_.string() + " -c listen_addresses=127.0.0.1\" start >/dev/null",
        "pg_ctl start");
    // pg_ctl -w waited for the server already; pg_isready is what a client sees.
    run((bin_ / "pg_isready").string() + " -q -t 30 -h 127.0.0.1 -p " + port, "pg_isready");
}

void TempPostgres::stop() {
    run(as_postgres_ + (bin_ / "pg_ctl").string() + " -D " + (directory_ / "data").string() +
            " -w stop -m fast >/dev/null",
        "pg_ctl stop");
}

std::string TempPostgres::create_database() {
    const std::string server = "host=127.0.0.1 port=" + std::to_string(port_) + " user=ranking";
    const std::string name = "test" + std::to_string(++databases_);
    const std::unique_ptr<PGconn, decltype(&PQfinish)> admin(
        PQconnectdb((server + " dbname=postgres").c_str()), &PQfinish);
    const std::unique_ptr<PGresult, decltype(&PQclear)> created(
        PQexec(admin.get(), ("CREATE DATABASE " + name).c_str()), &PQclear);
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error("temp PostgreSQL: CREATE DATABASE " + name + ": " +
                                 PQerrorMessage(admin.get()));
    return server + " dbname=" + name;
}

} // namespace ranking
