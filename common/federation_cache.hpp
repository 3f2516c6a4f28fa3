#pragma once
// Federation ratings already fetched, kept for a while: the second look-up of a player within
// the time to live is answered without a call to the service. One thread only (the loop's).
#include "federation_rating.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace ranking {

class FederationCache {
public:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        FederationRating rating;
        std::int64_t fetched_unix_ms = 0;
        Clock::time_point fetched_at{};
        std::string fetched_by; // the client that fetched it: async, thread or inline
    };

    explicit FederationCache(std::chrono::seconds time_to_live) : time_to_live_(time_to_live) {}

    // The player's rating if fetched less than the time to live ago.
    const Entry* find(const std::string& player, Clock::time_point now) const;
    // Kept (or replaced); with a time to live of 0, nothing is kept. The club's names bound the
    // entries: only its members are looked up.
    void keep(const std::string& player, Entry entry);

private:
    std::chrono::seconds time_to_live_;
    std::unordered_map<std::string, Entry> entries_;
};

} // namespace ranking
