#include "federation_cache.hpp"

namespace ranking {

const FederationCache::Entry* FederationCache::find(const std::string& player,
                                                    Clock::time_point now) const {
    const auto it = entries_.find(player);
    if (it == entries_.end() || now - it->second.fetched_at >= time_to_live_) return nullptr;
    return &it->second;
}

void FederationCache::keep(const std::string& player, Entry entry) {
    if (time_to_live_.count() <= 0) return;
    entries_.insert_or_assign(player, std::move(entry));
}

} // namespace ranking
