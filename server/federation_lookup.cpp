#include "federation_lookup.hpp"

#include "curl_get.hpp"
#include "hand_off.hpp"
#include "load_levels.hpp"
#include "loop_scope.hpp"
#include "unix_time.hpp"

namespace ranking {

std::string_view to_string(FederationClient client) noexcept {
    return client == FederationClient::async_client ? "async" : "thread";
}

FederationLookup::FederationLookup(net::any_io_executor loop, FederationSettings settings,
                                   LoopWatch& watch, std::atomic<long>& waiting)
    : settings_(std::move(settings)), service_(parse_service_url(settings_.url).value()),
      base_url_(settings_.url.substr(0, settings_.url.find_last_not_of('/') + 1)), watch_(watch),
      pool_(std::move(loop), service_.endpoint, settings_.connections, max_body),
      threads_(settings_.connections), cache_(settings_.cache_for), waiting_(waiting) {
    start_curl();
}

FederationLookup::~FederationLookup() {
    threads_.join();
}

net::awaitable<Reply> FederationLookup::answer(std::string player, std::uint64_t request_id,
                                               WorkPlacement mode) {
    const auto asked = FederationCache::Clock::now();
    if (const auto* kept = cache_.find(player, asked))
        co_return federation_reply(player, kept->rating, true, kept->fetched_unix_ms,
                                   kept->fetched_by);
    if (waiting_.load() >= settings_.max_pending)
        co_return retry_later_reply("too many federation look-ups waiting for the service (" +
                                    std::to_string(settings_.max_pending) + "); retry later");
    const LevelCount waiting(waiting_);
    const auto target = service_.path + "/" + player;
    // From the URL as given, not rebuilt from its parts: an IPv6 host keeps its brackets.
    const auto url = base_url_ + "/" + player;
    const auto deadline = asked + settings_.timeout;
    ServiceAnswer answer;
    std::string_view fetched_by;
    if (mode == WorkPlacement::inline_on_loop) {
        fetched_by = "inline";
        LoopScope scope(watch_, Route::federation, request_id, mode);
        answer = curl_get(url, settings_.timeout, max_body); // the loop waits for the service
    } else if (settings_.client == FederationClient::thread_client) {
        fetched_by = "thread";
        auto calling = run_on(threads_, [url, deadline] {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - FederationCache::Clock::now());
            if (left.count() <= 0) // it waited for a thread until its time was up
                return ServiceAnswer{CallFailure::timeout, 0, {}, "no thread free in time"};
            return curl_get(url, left, max_body);
        });
        answer = co_await std::move(calling);
    } else {
        fetched_by = "async";
        auto getting = pool_.get(target, deadline);
        answer = co_await std::move(getting);
    }
    auto read = read_federation_answer(answer, player, settings_.url, settings_.timeout);
    auto* rating = std::get_if<FederationRating>(&read);
    if (!rating) co_return std::move(std::get<Reply>(read));
    const auto fetched = unix_ms_now();
    cache_.keep(player, {*rating, fetched, FederationCache::Clock::now(), std::string(fetched_by)});
    co_return federation_reply(player, *rating, false, fetched, fetched_by);
}

} // namespace ranking
