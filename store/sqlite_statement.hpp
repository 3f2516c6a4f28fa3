#pragma once
// The little of SQLite's C API the store uses, with ownership: one connection, statements
// prepared once (SQLITE_PREPARE_PERSISTENT) and reset after every use, errors as exceptions
// that keep SQLite's own code and message.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ranking {

// A failed SQLite call; `code` is SQLite's primary result code (SQLITE_BUSY, SQLITE_FULL, ...).
class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

class Connection {
public:
    // Read-write, created 0600 when missing. Throws SqliteError naming the file.
    explicit Connection(const std::filesystem::path& file);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void execute(const char* sql); // statements without results
    sqlite3* handle() const noexcept { return db_; }
    [[noreturn]] void fail(int code, std::string_view doing) const;

private:
    sqlite3* db_ = nullptr;
};

class Statement {
public:
    Statement(const Connection& connection, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);

    bool step(); // true: a row is ready; false: done. Throws on error.
    void run() { step(); }

    std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
    double real(int column) const { return sqlite3_column_double(statement_, column); }
    bool is_null(int column) const {
        return sqlite3_column_type(statement_, column) == SQLITE_NULL;
    }
    std::string text(int column) const;

    // Clears the bindings and rewinds, so the prepared statement is ready for its next use.
    void reset() noexcept;

private:
    const Connection& connection_;
    sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when a use of it ends, however it ends.
class Use {
public:
    explicit Use(Statement& statement) : statement_(statement) {}
    ~Use() { statement_.reset(); }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    Statement* operator->() { return &statement_; }

private:
    Statement& statement_;
};

} // namespace ranking
