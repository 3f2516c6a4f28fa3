#include "sqlite_statement.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ranking {
namespace {

// SQLite would create a missing file 0644 less the umask: games and players readable by every
// local user. Created here first, 0600 whatever the umask (fchmod); SQLite then gives its -wal
// and -shm files the main file's mode. An existing file keeps the mode its owner chose. Any
// failure here is left for sqlite3_open_v2 to report, with its own message.
void create_private(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return; // EEXIST: not ours to change
    ::fchmod(fd, 0600);
    ::close(fd);
}

} // namespace

Connection::Connection(const std::filesystem::path& file) {
    // NOMUTEX: the store serialises every use of the connection under its own mutex.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    create_private(file);
    const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw SqliteError(rc, file.string() + ": cannot open: " + why);
    }
    sqlite3_extended_result_codes(db_, 0);
}

Connection::~Connection() {
    sqlite3_close_v2(db_);
}

void Connection::execute(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
}

void Connection::fail(int code, std::string_view doing) const {
    throw SqliteError(code & 0xff,
                      std::string(sqlite3_errmsg(db_)) + " (" + std::string(doing) + ")");
}

Statement::Statement(const Connection& connection, std::string_view sql) : connection_(connection) {
    const int rc = sqlite3_prepare_v3(connection.handle(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
    if (rc != SQLITE_OK) connection.fail(rc, sql);
}

Statement::~Statement() {
    sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(statement_, index, value);
    if (rc != SQLITE_OK) connection_.fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(statement_, index, value);
    if (rc != SQLITE_OK) connection_.fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    const int rc = sqlite3_bind_text(statement_, index, value.data(),
                                     static_cast<int>(value.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) connection_.fail(rc, "bind");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    connection_.fail(rc, sqlite3_sql(statement_));
}

std::string Statement::text(int column) const {
    const auto* bytes = sqlite3_column_text(statement_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string();
}

void Statement::reset() noexcept {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

} // namespace ranking
