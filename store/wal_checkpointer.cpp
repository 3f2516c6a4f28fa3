#include "wal_checkpointer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace ranking {
namespace {

// fdatasync needs no write access: a read-only descriptor flushes the file's pages too.
int open_to_sync(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
    return fd;
}

// Writes back what a checkpoint copied a quarter MiB of the file at a time, then fsyncs. One
// fdatasync would hand the disk all of it at once (hundreds of scattered writes), and the commit
// that fsyncs the WAL meanwhile waits behind them; in steps, no more than one step's writes are
// queued ahead of a commit.
bool flush_in_steps(int fd) {
    constexpr off_t step = 256 * 1024;
    struct stat file {};
    if (::fstat(fd, &file) != 0) return false;
    for (off_t at = 0; at < file.st_size; at += step)
        if (::sync_file_range(fd, at, step,
                              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                  SYNC_FILE_RANGE_WAIT_AFTER) != 0)
            return false;
    return ::fdatasync(fd) == 0; // the file's size, and the disk's own cache
}

} // namespace

WalCheckpointer::WalCheckpointer(const std::filesystem::path& file, sqlite3* writer, WalPages pages)
    : writer_(writer), pages_(pages), connection_(file) {
    // A connection that has read nothing yet does not know the file is in WAL mode, and its
    // checkpoints would return SQLITE_OK having copied nothing.
    connection_.execute("SELECT count(*) FROM sqlite_schema");
    database_fd_ = open_to_sync(file);
    // Last, once nothing can throw: a constructor that threw with the thread running would
    // destroy a joinable std::thread (std::terminate) and leak the descriptor.
    thread_ = std::thread([this] { run(); });
    sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    ::close(database_fd_);
}

bool WalCheckpointer::finish_if_long() {
    const int pages = wal_pages_.load(std::memory_order_relaxed);
    const int left = pages - copied_.load(std::memory_order_relaxed);
    if (pages < pages_.finish || (left > pages_.wake / 4 && pages < 4 * pages_.finish))
        return false;
    // SQLITE_BUSY (the thread is mid-checkpoint) or a read-only file: the next call tries again.
    const bool done = sqlite3_wal_checkpoint_v2(writer_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                nullptr, nullptr) == SQLITE_OK;
    if (done) wal_pages_.store(0, std::memory_order_relaxed);
    return done;
}

int WalCheckpointer::checkpoints() const {
    const std::lock_guard lock(mutex_);
    return checkpoints_;
}

// Called by SQLite on the committing thread, after the commit: a count and a wake-up, no more.
int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int wal_pages) {
    auto& checkpointer = *static_cast<WalCheckpointer*>(self);
    checkpointer.wal_pages_.store(wal_pages, std::memory_order_relaxed);
    if (wal_pages < checkpointer.copied_.load(std::memory_order_relaxed))
        checkpointer.copied_.store(0, std::memory_order_relaxed); // the WAL started over
    if (wal_pages - checkpointer.copied_.load(std::memory_order_relaxed) >=
        checkpointer.pages_.wake) {
        {
            const std::lock_guard lock(checkpointer.mutex_);
            checkpointer.due_ = true;
        }
        checkpointer.wake_.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run() {
    // Background upkeep: it takes only CPU time no normal thread wants, so the loop goes first
    // (and the storage thread too when --storage-priority leaves it normal; at its default, idle,
    // the two share what is left as equals). Starved, it falls behind and the writer finishes
    // the WAL itself past 4 x `finish` pages: the WAL stays bounded either way.
    ::pthread_setname_np(::pthread_self(), "wal-checkpoint");
    sched_param idle{};
    ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &idle);
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) return;
        due_ = false;
        lock.unlock();
        // Copies what the WAL holds now; commits go on meanwhile. SQLITE_BUSY (the writer is
        // finishing one) or a read-only file: the next commit past `wake` asks again.
        int copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr,
                                                 SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied);
        // Flushed here, what it copied is not left for the writer's finishing step (see the
        // header). A failed flush counts as no checkpoint: `copied_` stays behind, and past
        // 4 x `finish` the writer finishes the WAL itself, as when this thread is starved.
        const bool synced = rc == SQLITE_OK && flush_in_steps(database_fd_);
        lock.lock();
        if (!synced) continue;
        ++checkpoints_;
        copied_.store(copied, std::memory_order_relaxed);
    }
}

} // namespace ranking
