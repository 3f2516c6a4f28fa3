#pragma once
// A database path of its own for one test, in the temp directory; removed (with its WAL and
// shared-memory files) before and after.
#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace ranking {

class TempDatabase {
public:
    TempDatabase() {
        static std::atomic<int> count{0};
        path_ =
            std::filesystem::temp_directory_path() /
            ("ranking-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count) + ".db");
        remove();
    }
    ~TempDatabase() { remove(); }
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    void remove() {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_.string() + suffix);
    }
    std::filesystem::path path_;
};

} // namespace ranking
