#pragma once
// Keeps WAL checkpoints out of the commits. By default SQLite checkpoints inside the COMMIT that
// takes the WAL past 1,000 pages: that commit copies the WAL into the database file and fsyncs
// it, and every game that arrives meanwhile waits too (the store's ack p99). Here the writing
// connection only counts pages (sqlite3_wal_hook replaces the automatic checkpoint) and wakes a
// thread of its own, which runs a PASSIVE checkpoint on a second connection: it takes no lock a
// writer needs, so commits carry on meanwhile. The thread runs SCHED_IDLE.
//
// What that thread cannot do is restart the WAL: a writer starts the WAL over only if, when it
// begins, every frame has been copied, and under steady load a commit always lands while the
// checkpoint runs. So the writer itself, between transactions, finishes the job once the WAL
// is long and the thread has copied all but a little of it (finish_if_long): the rest is quick,
// and the next commit starts the WAL from its beginning. The WAL stays bounded: past four times
// `finish` the writer finishes whatever is left.
//
// Quick only because the thread also fsyncs the database file after each of its checkpoints.
// SQLite fsyncs it only when a checkpoint has copied the whole WAL (wal.c, walCheckpoint), so
// the thread's partial checkpoints left their pages dirty in the page cache, and the writer's
// finishing step flushed all of them at once, megabytes of scattered writes that grow with the
// database (a WAL's worth of games touches more distinct pages of larger indexes), while every
// game queued meanwhile waited (docs/measurements.md has the figures).
#include "sqlite_statement.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ranking {

// Why 10,000 pages between checkpoints and not SQLite's 1,000: off the writer's thread a
// checkpoint still shares the disk with the commits. Its writes to the database file and its
// fsync delay the commit that runs meanwhile: the slow commits were nearly all the ones that
// started with a checkpoint. Checkpoints ten times rarer copy a hot page once where they copied
// it ten times, and collide ten times less. The price is disk: the WAL file grows to about
// `finish` pages and keeps that size. And until it first gets there, after each start, every
// commit appends to the file, and its fsync also commits the file's new size, so one
// transaction per game is slower then (docs/measurements.md).
struct WalPages {
    int wake = 10'000;   // the thread checkpoints once this many pages are new since its last
    int finish = 20'000; // the writer finishes a checkpoint itself past this
};

class WalCheckpointer {
public:
    // `writer` must outlive this object and is used from one thread at a time; `file` is the
    // database `writer` has open.
    WalCheckpointer(const std::filesystem::path& file, sqlite3* writer, WalPages pages = {});
    ~WalCheckpointer(); // unhooks `writer`, then joins the thread
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // On the writer's thread, between transactions: a PASSIVE checkpoint on the writer's own
    // connection when the WAL is past `finish` pages and the thread has copied nearly all of
    // it. Returns whether it ran one.
    bool finish_if_long();

    // Checkpoints the thread ran so far (tests: it did the work, not the committing thread).
    int checkpoints() const;

private:
    static int on_commit(void* self, sqlite3* writer, const char* schema, int wal_pages);
    void run();

    sqlite3* writer_;
    const WalPages pages_;
    std::atomic<int> wal_pages_{0}; // as the last commit left it
    std::atomic<int> copied_{0};    // pages of the current WAL already in the database file
    Connection connection_;
    int database_fd_ = -1; // the database file, opened only to fsync what the thread copied
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    int checkpoints_ = 0;
    std::thread thread_; // started at the end of the constructor, once everything else exists
};

} // namespace ranking
