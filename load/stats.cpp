#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ranking::load {
namespace {

std::uint64_t micros(nanoseconds span) {
    return span.count() > 0 ? static_cast<std::uint64_t>(span.count() / 1000) : 0;
}

} // namespace

std::string_view error_class_name(ErrorClass error) noexcept {
    constexpr std::array<std::string_view, error_class_count> names{
        "connect", "timeout", "http_status", "parse", "io", "unsent"};
    return names[static_cast<std::size_t>(error)];
}

std::uint64_t SeriesStats::error_total() const noexcept {
    return std::accumulate(errors.begin(), errors.end(), std::uint64_t{0});
}

std::optional<std::uint64_t> SeriesStats::latency_percentile(double percent) const noexcept {
    const auto all = latency.count();
    if (all == 0) return 0;
    // The rank LatencyHistogram::percentile takes among all of them, rounding noise forgiven.
    const double exact = std::clamp(percent, 0.0, 100.0) * static_cast<double>(all) / 100.0;
    const auto rank =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact - 1e-6)));
    if (rank > known.count()) return std::nullopt;
    // The known latencies rank below every unanswered one: the same rank among them alone.
    return known.percentile(100.0 * static_cast<double>(rank) / static_cast<double>(known.count()));
}

void SeriesStats::merge(const SeriesStats& other) {
    latency.merge(other.latency);
    known.merge(other.known);
    service.merge(other.service);
    send_lag.merge(other.send_lag);
    planned += other.planned;
    ok += other.ok;
    waited += other.waited;
    unanswered += other.unanswered;
    for (std::size_t i = 0; i < error_class_count; ++i)
        errors[i] += other.errors[i];
    for (const auto& [status, count] : other.statuses)
        statuses[status] += count;
}

void PhaseStats::merge(const PhaseStats& other) {
    for (std::size_t i = 0; i < series_count; ++i)
        series[i].merge(other.series[i]);
    tool_lag.merge(other.tool_lag);
    sent += other.sent;
}

void TimelineCell::merge(const TimelineCell& other) {
    latency.merge(other.latency);
    planned += other.planned;
    errors += other.errors;
    in_flight += other.in_flight;
    oldest_age_us = std::max(oldest_age_us, other.oldest_age_us);
}

void Results::merge(const Results& other) {
    if (phases.size() < other.phases.size()) phases.resize(other.phases.size());
    for (std::size_t i = 0; i < other.phases.size(); ++i)
        phases[i].merge(other.phases[i]);
    if (timeline.size() < other.timeline.size()) timeline.resize(other.timeline.size());
    for (std::size_t s = 0; s < other.timeline.size(); ++s)
        for (std::size_t i = 0; i < series_count; ++i)
            timeline[s][i].merge(other.timeline[s][i]);
    reconnects += other.reconnects;
}

void LiveCounters::merge(const LiveCounters& other) {
    done += other.done;
    errors += other.errors;
    in_flight += other.in_flight;
    oldest_age_us = std::max(oldest_age_us, other.oldest_age_us);
    latency.merge(other.latency);
}

Recorder::Recorder(const RunPlan& plan) : plan_(plan) {
    results_.phases.resize(plan.phases().size());
    results_.timeline.resize(plan.seconds());
}

std::size_t Recorder::second_of(Clock::time_point at) const noexcept {
    const auto second = std::chrono::floor<std::chrono::seconds>(at - start_).count();
    return std::min(static_cast<std::size_t>(std::max<std::int64_t>(second, 0)),
                    results_.timeline.size() - 1);
}

void Recorder::planned(Series series, Clock::time_point due) {
    const std::lock_guard lock(mutex_);
    ++results_.timeline[second_of(due)][index(series)].planned;
    if (const auto phase = plan_.phase_of(due - start_))
        ++results_.phases[*phase].series[index(series)].planned;
}

void Recorder::record(const Outcome& outcome) {
    const auto latency = micros(outcome.done - outcome.due);
    const std::lock_guard lock(mutex_);
    auto& cell = results_.timeline[second_of(outcome.due)][index(outcome.series)];
    cell.latency.record(latency);
    if (outcome.error) ++cell.errors;

    if (outcome.error) ++live_.errors;
    if (outcome.series != Series::canary) {
        ++live_.done;
        live_.latency.record(latency);
    }

    // The achieved rate counts data requests by when they went out, whenever they were due.
    if (outcome.sent && outcome.series != Series::canary)
        if (const auto phase = plan_.phase_of(*outcome.sent - start_))
            ++results_.phases[*phase].sent;

    const auto phase = plan_.phase_of(outcome.due - start_);
    if (!phase) return;
    auto& stats = results_.phases[*phase];
    auto& series = stats.series[index(outcome.series)];
    series.latency.record(latency);
    if (outcome.unanswered)
        ++series.unanswered;
    else
        series.known.record(latency);
    if (outcome.sent) {
        series.service.record(micros(outcome.done - *outcome.sent));
        series.send_lag.record(micros(*outcome.sent - outcome.due));
    }
    if (outcome.tool_lag) stats.tool_lag.record(micros(*outcome.tool_lag));
    if (outcome.waited) ++series.waited;
    if (outcome.error) {
        ++series.errors[static_cast<std::size_t>(*outcome.error)];
        if (*outcome.error == ErrorClass::http_status) ++series.statuses[outcome.status];
    } else {
        ++series.ok;
    }
}

void Recorder::reconnected() {
    const std::lock_guard lock(mutex_);
    ++results_.reconnects;
}

void Recorder::sample(std::size_t second, Series series, std::uint64_t in_flight,
                      nanoseconds oldest_age) {
    const std::lock_guard lock(mutex_);
    const auto age = micros(oldest_age);
    if (second < results_.timeline.size()) {
        auto& cell = results_.timeline[second][index(series)];
        cell.in_flight = in_flight;
        cell.oldest_age_us = age;
    }
    live_in_flight_[index(series)] = in_flight;
    live_oldest_us_[index(series)] = age;
}

LiveCounters Recorder::live() const {
    const std::lock_guard lock(mutex_);
    LiveCounters copy = live_;
    copy.in_flight =
        std::accumulate(live_in_flight_.begin(), live_in_flight_.end(), std::uint64_t{0});
    copy.oldest_age_us = *std::max_element(live_oldest_us_.begin(), live_oldest_us_.end());
    return copy;
}

Results Recorder::results() const {
    const std::lock_guard lock(mutex_);
    return results_;
}

} // namespace ranking::load
