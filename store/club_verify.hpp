#pragma once
// The proof from the log: every stored game replayed in seq order from the starting club with
// the club's own rating time (ClubReplay), compared with what the store says it applied, then
// each player's final values. On a connection of its own and blocking: `ranking-server --verify`
// runs it before anything else, the admin route on a thread of its own, never the loop.
// Memory: the club and one page of games, whatever the number of games.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace ranking {

struct VerifyReport {
    bool passed = false;
    bool read = true;       // false: the store could not be read (`difference` says why)
    std::int64_t games = 0; // games checked
    std::string difference; // the first one, or why the store could not be read
    double seconds = 0;
};

// Called at most once a second, and once at the end: games checked so far, and the store's last
// seq when it opened.
using VerifyProgress = std::function<void(std::int64_t checked, std::int64_t total)>;

// `database`: what --db takes (a SQLite file, or a PostgreSQL URI or conninfo). A database of an
// older schema is migrated first, as the server would, at `periods_per_day` (none: the default).
// The replay reads one snapshot of the database (a read transaction): games committed meanwhile
// are neither replayed nor compared.
VerifyReport verify_club(const std::string& database, std::optional<double> periods_per_day,
                         const VerifyProgress& progress, std::size_t page = 1000);

} // namespace ranking
