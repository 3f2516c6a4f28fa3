#pragma once
// Another process's write lock on a database file (BEGIN IMMEDIATE on a second connection),
// held until release(): the "locked" fault, for real.
#include "sqlite_statement.hpp"

namespace ranking {

class ForeignLock {
public:
    explicit ForeignLock(const std::filesystem::path& file) : connection_(file) {
        connection_.execute("BEGIN IMMEDIATE");
    }
    void release() { connection_.execute("ROLLBACK"); }

private:
    Connection connection_;
};

} // namespace ranking
