// The store's error paths: who may read the files it creates, what it logs when a write fails
// (and how much of it), and what its messages never show: a PostgreSQL password. Needs no
// PostgreSQL server: a connection that fails is all these tests ask of one.
#include "captured_stderr.hpp"
#include "failure_log.hpp"
#include "pg_game_store.hpp"
#include "sqlite_database.hpp"
#include "temp_database.hpp"

#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fstream>

using namespace ranking;
using namespace std::chrono_literals;
using Kind = RecordOutcome::Kind;

namespace {

std::vector<Player> trio() {
    return {{"alice", 1613, 60, 0.06}, {"bob", 1477, 90, 0.06}, {"charlie", 1388, 120, 0.06}};
}

const GameSubmission first_game{"g1", "alice", "bob", GameResult::draw, std::nullopt};

unsigned mode_of(const std::string& path) {
    struct stat file {};
    REQUIRE(::stat(path.c_str(), &file) == 0);
    return file.st_mode & 0777;
}

// The process's umask for a scope.
class Umask {
public:
    explicit Umask(mode_t mask) : saved_(::umask(mask)) {}
    ~Umask() { ::umask(saved_); }

private:
    mode_t saved_;
};

// A loopback port that refuses connections at once: bound, so no one else takes it, and never
// listening.
class RefusingPort {
public:
    RefusingPort() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        REQUIRE(::bind(socket_, reinterpret_cast<sockaddr*>(&address), size) == 0);
        REQUIRE(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port_ = std::to_string(ntohs(address.sin_port));
    }
    ~RefusingPort() { ::close(socket_); }
    const std::string& port() const { return port_; }

private:
    int socket_;
    std::string port_;
};

std::string pg_refusal(const std::string& conninfo) {
    net::io_context loop;
    try {
        PgGameStore store(loop.get_executor(), PgStoreConfig{conninfo}, trio);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "opened";
}

} // namespace

TEST_CASE("a new database and its -wal and -shm files are 0600, whatever the umask") {
    for (const mode_t mask : {mode_t{022}, mode_t{0}}) {
        CAPTURE(mask);
        const TempDatabase file;
        const Umask scoped(mask);
        SqliteDatabase db(file.path(), trio, 100ms);
        REQUIRE(db.record({&first_game, 1}, 1000).front().kind == Kind::created);
        for (const char* suffix : {"", "-wal", "-shm"}) {
            CAPTURE(suffix);
            CHECK(mode_of(file.path().string() + suffix) == 0600);
        }
    }
}

TEST_CASE("an existing file keeps the mode its owner gave it, and its -wal and -shm files too") {
    const TempDatabase file;
    std::ofstream(file.path()).close(); // empty: SQLite takes it for a new database
    REQUIRE(::chmod(file.path().c_str(), 0640) == 0);
    const Umask scoped(022);
    SqliteDatabase db(file.path(), trio, 100ms);
    CHECK(db.created());
    REQUIRE(db.record({&first_game, 1}, 1000).front().kind == Kind::created);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        CAPTURE(suffix);
        CHECK(mode_of(file.path().string() + suffix) == 0640);
    }
}

TEST_CASE("failure log: the first failure at once, then a line a second at most, counting all") {
    std::vector<std::string> lines;
    const auto t0 = FailureLog::Clock::time_point{} + 1h;
    {
        FailureLog log("SQLite write to club.db", 1s,
                       [&](const std::string& line) { lines.push_back(line); });
        log.succeeded(t0); // nothing failed: nothing to say
        log.failed("database or disk is full\n(COMMIT)", t0);
        for (int i = 1; i <= 100; ++i) // a burst: held back, counted
            log.failed("database or disk is full (COMMIT)", t0 + i * 5ms);
        CHECK(lines.size() == 1);
        log.failed("database or disk is full (COMMIT)", t0 + 1s);
        log.succeeded(t0 + 1500ms); // the last failure had its line: nothing to add
        log.failed("database is locked (BEGIN IMMEDIATE)", t0 + 1600ms);
        log.succeeded(t0 + 1700ms); // too soon after the last line: held
        log.succeeded(t0 + 2100ms);
        log.failed("database is locked (BEGIN IMMEDIATE)", t0 + 2200ms);
        log.failed("database is locked (BEGIN IMMEDIATE)", t0 + 2300ms);
    } // the two held back are counted when the store closes
    CHECK(lines == std::vector<std::string>{
                       "ranking-server: SQLite write to club.db failed: database or disk is full "
                       "(COMMIT)",
                       "ranking-server: SQLite write to club.db failed (101 failures since the "
                       "last line): database or disk is full (COMMIT)",
                       "ranking-server: SQLite write to club.db succeeded again (1 failure since "
                       "the last line)",
                       "ranking-server: SQLite write to club.db failed, then stopped (2 "
                       "failures since the last line)"});
    CHECK(failures_counted(lines) == 105);
}

TEST_CASE("a failed SQLite write is logged with the statement and SQLite's message, once a "
          "second at most, and every failure counted") {
    const TempDatabase file;
    const CapturedStderr captured;
    const auto start = std::chrono::steady_clock::now();
    {
        SqliteDatabase db(file.path(), trio, 100ms);
        db.set_read_only(true);
        for (int i = 0; i < 50; ++i) {
            const auto refused = db.record({&first_game, 1}, 1000).front();
            REQUIRE(refused.kind == Kind::unavailable);
            CHECK(refused.message.find("readonly") != std::string::npos); // the server's, still
        }
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    const auto lines = captured.lines();
    REQUIRE_FALSE(lines.empty());
    CAPTURE(lines[0]);
    CHECK(lines[0].starts_with("ranking-server: SQLite write to " + file.path().string() +
                               " failed: attempt to write a readonly database (BEGIN IMMEDIATE)"));
    CHECK(lines.size() <= 2 + static_cast<std::size_t>(seconds.count()));
    CHECK(failures_counted(lines) == 50);
}

TEST_CASE("a PostgreSQL store that cannot connect says where it tried, never the password") {
    const RefusingPort refusing;
    const auto& port = refusing.port();
    const std::string password = "s3cret-Pa55word";
    for (const auto& conninfo :
         {"postgresql://ranking:" + password + "@127.0.0.1:" + port + "/club",
          "host=127.0.0.1 port=" + port + " dbname=club user=ranking password=" + password,
          // libpq does not expand a URI given as dbname here: it stays a (secret) name
          "host=127.0.0.1 port=" + port + " dbname='postgresql://ranking:" + password +
              "@127.0.0.1/club'"}) {
        const auto why = pg_refusal(conninfo);
        CAPTURE(why);
        CHECK(why.find(password) == std::string::npos);
        CHECK(why.find(conninfo) == std::string::npos);
        CHECK(why.find("\"127.0.0.1\", port " + port) != std::string::npos);
    }
}

TEST_CASE("a PostgreSQL connection string libpq cannot parse is refused without quoting it") {
    const RefusingPort refusing;
    const auto& port = refusing.port();
    for (const auto& [conninfo, secrets] :
         std::vector<std::pair<std::string, std::vector<std::string>>>{
             // libpq's own messages quote the whole URI, the bad token, or the word after a gap
             {"postgresql://ranking:s3cret-Pa55word@[::1:" + port + "/club", {"s3cret-Pa55word"}},
             {"postgresql://ranking:s3cret%zzPa55word@127.0.0.1:" + port + "/club",
              {"s3cret", "Pa55word"}},
             {"host=127.0.0.1 port=" + port + " password=s3cret Pa55word",
              {"s3cret", "Pa55word"}}}) {
        const auto why = pg_refusal(conninfo);
        CAPTURE(why);
        CHECK(why.find("malformed") != std::string::npos);
        for (const auto& secret : secrets)
            CHECK(why.find(secret) == std::string::npos);
    }
}
