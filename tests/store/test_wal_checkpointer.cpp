// WAL checkpoints leave the commits: the writer's automatic checkpoint is off, and the
// checkpointer's own thread copies the WAL back once it has grown past its threshold.
#include "temp_database.hpp"
#include "wal_checkpointer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace ranking;

namespace {

// Frames in the WAL now, as a PASSIVE checkpoint that copies nothing sees them (it may copy
// some: the count is taken before).
int wal_frames(Connection& db) {
    int frames = 0, copied = 0;
    REQUIRE(sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                      &copied) == SQLITE_OK);
    return frames;
}

void write_rows(Connection& db, int count) {
    Statement insert(db, "INSERT INTO t (v) VALUES (randomblob(3000))");
    for (int i = 0; i < count; ++i) { // one transaction each, about one page per row
        Use use(insert);
        use->run();
    }
}

void open_wal(Connection& db) {
    db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
               "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
}

} // namespace

TEST_CASE("wal checkpointer: commits no longer checkpoint the WAL themselves") {
    TempDatabase file;
    Connection db(file.path());
    open_wal(db);
    WalCheckpointer checkpointer(file.path(), db.handle(), {1'000'000, 1'000'000});
    write_rows(db, 1500); // SQLite's own checkpoint would have run at 1,000 pages
    CHECK(checkpointer.checkpoints() == 0);
    CHECK(std::filesystem::file_size(file.path()) < 100'000); // the rows are all in the WAL
    CHECK(wal_frames(db) > 1000);
}

TEST_CASE("wal checkpointer: its thread checkpoints once the WAL passes the threshold") {
    TempDatabase file;
    Connection db(file.path());
    open_wal(db);
    WalCheckpointer checkpointer(file.path(), db.handle(), {50, 1'000'000});
    write_rows(db, 200);
    // Bounded wait for the other thread; the claim is that it ran, not how fast.
    for (int i = 0; i < 500 && checkpointer.checkpoints() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(checkpointer.checkpoints() >= 1);
    CHECK(std::filesystem::file_size(file.path()) > 50 * 3000); // copied into the file
    Statement count(db, "SELECT count(*) FROM t");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 200);
}

TEST_CASE("wal checkpointer: the writer finishes a long WAL and the next commit starts it over") {
    TempDatabase file;
    Connection db(file.path());
    open_wal(db);
    WalCheckpointer checkpointer(file.path(), db.handle(), {1'000'000, 100}); // thread never due
    write_rows(db, 10);
    CHECK_FALSE(checkpointer.finish_if_long()); // short: nothing to do
    write_rows(db, 400);                        // past 4 x finish: finished whatever is left
    CHECK(checkpointer.finish_if_long());
    write_rows(db, 1);
    CHECK(wal_frames(db) < 10);
}
