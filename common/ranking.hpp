#pragma once
// Standings of the club: competition ranking ("1224": ties share a rank), percentile and pages.
// Rank and percentile cost O(log R) through a Fenwick tree over integer rating buckets, so they
// stay cheap when ratings change after games.
#include "club.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ranking {

struct Standing {
    std::string player;
    int rating = 0;    // the Glicko rating rounded: what ranks are computed from
    int rank = 0;      // 1 + players rated strictly higher
    int players = 0;   // club size
    double percentile; // share of the club rated strictly lower, in %, two decimals
    Glicko glicko;     // full precision: as stored after the latest game (lookups grow the RD
                       // to the time of asking, rating_time.hpp)
    int games = 0;
    std::optional<std::int64_t> rated_at_ms = std::nullopt; // when that game was played
};

struct LeaderboardEntry {
    int rank = 0;
    std::string player;
    int rating = 0;
};

class Ranking {
public:
    explicit Ranking(const std::vector<Player>& roster);
    Ranking(const Ranking&) = delete; // ordered_ points into players_
    Ranking& operator=(const Ranking&) = delete;
    Ranking(Ranking&&) = default; // the elements move with their nodes

    // `player` must be canonical (see player_name.hpp).
    std::optional<Standing> standing(std::string_view player) const;
    std::optional<Player> player(std::string_view name) const;

    // Best first, ties by name; `offset` past the end gives an empty page.
    std::vector<LeaderboardEntry> page(std::size_t limit, std::size_t offset) const;

    // Moves a known player to new values in O(log N + log R), unless `seq` is not newer than
    // the last game applied to them (a late answer must not undo a later game); their rated_at
    // becomes the later of it and `played_at_ms` either way. False if the player is unknown or
    // the update is older.
    bool apply(std::string_view player, const Glicko& values, int games, std::int64_t seq,
               std::int64_t played_at_ms);
    // The same move without the check, rated_at as given: sets what `seq` is compared with next
    // (undoing a move).
    bool reset(const Player& player, std::int64_t seq);

    int size() const noexcept { return static_cast<int>(players_.size()); }
    // Moves so far: what changes when any player's values do.
    std::uint64_t version() const noexcept { return version_; }
    // Every player best first (ties by name): name, values, rated_at and rounded rating.
    using InOrder = std::function<void(const std::string& name, const Glicko& values,
                                       std::optional<std::int64_t> rated_at_ms, int rating)>;
    void for_each_in_order(const InOrder& visit) const;

private:
    struct Entry {
        Glicko glicko;
        int rating = 0; // rounded_rating(glicko.rating)
        int games = 0;
        std::int64_t seq = 0; // of the last game applied
        std::optional<std::int64_t> rated_at_ms;
    };

    // Fenwick tree: counts_ prefix sums give how many players are rated at or below a bucket.
    void add_count(int rating, int delta);
    int count_at_or_below(int rating) const;
    int rank_of(int rating) const { return size() - count_at_or_below(rating) + 1; }

    std::vector<int> counts_;
    // Looked up by string_view: no std::string is built per lookup.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const noexcept {
            return std::hash<std::string_view>{}(name);
        }
    };
    std::unordered_map<std::string, Entry, NameHash, std::equal_to<>> players_;

    // The ordered ranking points at players_'s elements (their addresses never move), so that a
    // walk best first reads each player's values without looking them up again.
    using Node = std::pair<const std::string, Entry>;
    struct ByStanding {
        bool operator()(const Node* a, const Node* b) const {
            return a->second.rating != b->second.rating ? a->second.rating > b->second.rating
                                                        : a->first < b->first;
        }
    };
    std::set<const Node*, ByStanding> ordered_; // an element leaves it before its rating changes
    std::uint64_t version_ = 0;
};

} // namespace ranking
