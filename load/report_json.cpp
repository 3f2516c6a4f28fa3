#include "report_json.hpp"

#include <cmath>
#include <cstdio>

namespace ranking::load {
namespace {

using nlohmann::json;

double ms(std::uint64_t micros) {
    return static_cast<double>(micros) / 1000.0;
}
double seconds(nanoseconds span) {
    return std::chrono::duration<double>(span).count();
}

json percentiles(const LatencyHistogram& h) {
    return {{"count", h.count()},
            {"min", ms(h.min())},
            {"mean", h.mean() / 1000.0},
            {"p50", ms(h.percentile(50))},
            {"p90", ms(h.percentile(90))},
            {"p99", ms(h.percentile(99))},
            {"p99.9", ms(h.percentile(99.9))},
            {"p99.99", ms(h.percentile(99.99))},
            {"max", ms(h.max())}};
}

// A series' latency as the tables show it: the unanswered counted apart, and a statistic among
// them null (unknown) rather than the time the tool gave up on them.
json latency_json(const SeriesStats& s) {
    const auto at = [&](double percent) {
        const auto value = s.latency_percentile(percent);
        return value ? json(ms(*value)) : json();
    };
    const bool lost = s.unanswered > 0;
    return {{"count", s.latency.count()},
            {"unanswered", s.unanswered},
            {"min", s.known.count() > 0 ? json(ms(s.known.min()))
                    : lost              ? json()
                                        : json(0.0)},
            {"mean", lost ? json() : json(s.latency.mean() / 1000.0)},
            {"p50", at(50)},
            {"p90", at(90)},
            {"p99", at(99)},
            {"p99.9", at(99.9)},
            {"p99.99", at(99.99)},
            {"max", at(100)}};
}

json series_json(const SeriesStats& s, double span_seconds) {
    json errors = json::object();
    for (std::size_t i = 0; i < error_class_count; ++i)
        errors[std::string(error_class_name(static_cast<ErrorClass>(i)))] = s.errors[i];
    json statuses = json::object();
    for (const auto& [status, count] : s.statuses)
        statuses[std::to_string(status)] = count;
    return {{"planned", s.planned},
            {"count", s.latency.count()},
            {"ok", s.ok},
            {"rate", static_cast<double>(s.latency.count()) / span_seconds},
            {"waited_for_connection", s.waited},
            {"errors_total", s.error_total()},
            {"unanswered", s.unanswered},
            {"errors", errors},
            {"error_statuses", statuses},
            {"latency_ms", latency_json(s)},
            {"service_ms", percentiles(s.service)},
            {"send_lag_ms", percentiles(s.send_lag)}};
}

json all_series(const std::array<SeriesStats, series_count>& series, double span_seconds) {
    json out = json::object();
    for (std::size_t i = 0; i < series_count; ++i)
        if (series[i].latency.count() > 0 || series[i].planned > 0)
            out[std::string(series_name(static_cast<Series>(i)))] =
                series_json(series[i], span_seconds);
    return out;
}

std::string phase_label(const RunPlan& plan, nanoseconds at) {
    if (at < plan.measured_from()) return "warmup";
    const auto phase = plan.phase_of(at);
    return phase ? plan.phases()[*phase].mode : "drain";
}

// Series that carried any traffic in the run, the ones worth a timeline row.
std::vector<std::size_t> active_series(const Results& results) {
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < series_count; ++i)
        for (const auto& second : results.timeline)
            if (second[i].planned > 0 || second[i].latency.count() > 0) {
                active.push_back(i);
                break;
            }
    return active;
}

// Up to the last second that planned, recorded or still held a request: the drain's empty tail
// is left out.
std::size_t timeline_length(const Results& results) {
    std::size_t length = 0;
    for (std::size_t s = 0; s < results.timeline.size(); ++s)
        for (const auto& cell : results.timeline[s])
            if (cell.planned > 0 || cell.latency.count() > 0 || cell.in_flight > 0) length = s + 1;
    return length;
}

std::string toggle_in(const RunReport& r, std::size_t second) {
    for (const auto& mark : r.toggles)
        if (mark.planned.at >= std::chrono::seconds(second) &&
            mark.planned.at < std::chrono::seconds(second + 1))
            return std::string(to_string(mark.planned.mode));
    return {};
}

const ServerSecond* server_at(const RunReport& r, std::size_t second) {
    const auto& seconds = r.server.seconds;
    return second < seconds.size() && seconds[second] ? &*seconds[second] : nullptr;
}

json optional_json(const std::optional<double>& value) {
    return value ? json(*value) : json();
}

// Null fields for a second without a scrape, so that every row has the same shape.
json server_json(const ServerSecond* s) {
    const ServerSecond none;
    if (!s) s = &none;
    return {{"span_s", optional_json(s->span_s)},
            {"lag_p99_ms", optional_json(s->lag_p99_ms)},
            {"lag_max_ms", optional_json(s->lag_max_ms)},
            {"busy_ratio", optional_json(s->busy_ratio)},
            {"queue_depth", optional_json(s->queue_depth)},
            {"in_flight", optional_json(s->in_flight)},
            {"stalls", optional_json(s->stalls)},
            {"mode", s->mode ? json(*s->mode) : json()}};
}

std::string csv_number(const std::optional<double>& value) {
    if (!value) return {};
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", *value);
    return text;
}

// The server columns of the CSV, each empty when unknown.
std::string server_csv(const ServerSecond* s) {
    if (!s) return ",,,,,,";
    return csv_number(s->lag_p99_ms) + ',' + csv_number(s->lag_max_ms) + ',' +
           csv_number(s->busy_ratio) + ',' + csv_number(s->queue_depth) + ',' +
           csv_number(s->in_flight) + ',' + csv_number(s->stalls) + ',' + s->mode.value_or("");
}

} // namespace

json report_json(const RunReport& r) {
    const auto& o = r.options;
    json doc;
    doc["run"] = {{"url", o.url},
                  {"admin_url", o.admin_url},
                  {"rate", o.rate ? json(*o.rate) : json("max")},
                  {"closed_loop", !o.rate},
                  {"duration_s", seconds(o.duration)},
                  {"warmup_s", seconds(o.warmup)},
                  {"timeout_s", seconds(o.timeout)},
                  {"connections", o.connections},
                  {"threads", o.threads},
                  {"arrivals", o.arrivals == Arrivals::uniform ? "uniform" : "poisson"},
                  {"seed", o.seed},
                  {"mix", to_string(o.mix)},
                  {"canary_rate", o.canary_rate}};

    const auto& v = r.verdict;
    doc["validity"] = {
        {"valid", v.valid},
        {"reasons", v.reasons},
        {"notes", v.notes},
        {"offered_rate", v.offered_rate},
        {"achieved_rate", v.achieved_rate},
        {"answered_rate", v.answered_rate},
        {"tool_send_lag_ms", percentiles(v.tool_lag)},
        {"tool_cpu_percent", v.cpu_percent},
        {"machine_steal_percent", v.steal_percent ? json(*v.steal_percent) : json()}};

    json toggles = json::array();
    for (const auto& mark : r.toggles)
        toggles.push_back(
            {{"at_s", seconds(mark.planned.at)},
             {"mode", to_string(mark.planned.mode)},
             {"ok", mark.applied_at.has_value()},
             {"applied_at_s", mark.applied_at ? json(seconds(*mark.applied_at)) : json()},
             {"error", mark.detail}});
    doc["toggles"] = toggles;

    json phases = json::array();
    std::array<SeriesStats, series_count> overall;
    for (std::size_t p = 0; p < r.plan.phases().size(); ++p) {
        const auto& span = r.plan.phases()[p];
        const auto& stats = r.results.phases[p];
        const double length = seconds(span.to - span.from);
        for (std::size_t i = 0; i < series_count; ++i)
            overall[i].merge(stats.series[i]);
        phases.push_back(
            {{"index", p},
             {"mode", span.mode},
             {"from_s", seconds(span.from)},
             {"to_s", seconds(span.to)},
             {"offered_rate", static_cast<double>(data_series(stats).planned) / length},
             {"achieved_rate", static_cast<double>(stats.sent) / length},
             {"tool_send_lag_ms", percentiles(stats.tool_lag)},
             {"series", all_series(stats.series, length)}});
    }
    doc["phases"] = phases;
    doc["overall"] = {
        {"series", all_series(overall, seconds(r.plan.end() - r.plan.measured_from()))}};

    json modes = json::array();
    for (const auto& m : r.modes)
        modes.push_back(
            {{"mode", m.mode},
             {"phases", m.phases},
             {"seconds", m.seconds},
             {"offered_rate", m.offered_rate},
             {"achieved_rate", m.achieved_rate},
             {"errors", m.data.error_total() + m.canary.error_total()},
             {"players_ms", latency_json(m.cheap)},
             {"canary_ms", latency_json(m.canary)},
             {"rank_ms", latency_json(m.heavy)},
             {"games_ms", latency_json(m.games)},
             {"durable_games_per_second", static_cast<double>(m.games.ok) / m.seconds}});
    doc["by_mode"] = modes;
    const auto ratio = collapse_ratio(r.modes);
    doc["collapse_ratio"] = ratio ? json(*ratio) : json();
    doc["server_metrics"] = {{"enabled", r.server.enabled},
                             {"scrapes", r.server.scrapes},
                             {"failed", r.server.failed},
                             {"last_error", r.server.last_error}};

    json timeline = json::array();
    const auto active = active_series(r.results);
    for (std::size_t s = 0; s < timeline_length(r.results); ++s) {
        json row = {{"t_s", s}, {"phase", phase_label(r.plan, std::chrono::seconds(s))}};
        if (const auto toggle = toggle_in(r, s); !toggle.empty()) row["toggle"] = toggle;
        json cells = json::object();
        for (const auto i : active) {
            const auto& c = r.results.timeline[s][i];
            cells[std::string(series_name(static_cast<Series>(i)))] = {
                {"planned", c.planned},
                {"count", c.latency.count()},
                {"errors", c.errors},
                {"p50_ms", ms(c.latency.percentile(50))},
                {"p99_ms", ms(c.latency.percentile(99))},
                {"max_ms", ms(c.latency.max())},
                {"in_flight", c.in_flight},
                {"oldest_in_flight_ms", ms(c.oldest_age_us)}};
        }
        row["series"] = cells;
        row["server"] = server_json(server_at(r, s));
        timeline.push_back(row);
    }
    doc["timeline"] = timeline;
    return doc;
}

void write_timeline_csv(const RunReport& r, std::ostream& out) {
    out << "t_s,phase,mode,series,planned,count,errors,p50_ms,p99_ms,max_ms,in_flight,"
           "oldest_in_flight_ms,toggle,server_lag_p99_ms,server_lag_max_ms,server_busy_ratio,"
           "server_queue_depth,server_in_flight,server_stalls,server_mode\n";
    const auto active = active_series(r.results);
    for (std::size_t s = 0; s < timeline_length(r.results); ++s) {
        const auto at = std::chrono::seconds(s);
        const auto phase = r.plan.phase_of(at);
        const std::string phase_name = phase ? std::to_string(*phase + 1) : phase_label(r.plan, at);
        const std::string mode = phase ? r.plan.phases()[*phase].mode : "";
        const auto toggle = toggle_in(r, s);
        const auto server = server_csv(server_at(r, s));
        for (const auto i : active) {
            const auto& c = r.results.timeline[s][i];
            char numbers[160];
            std::snprintf(numbers, sizeof numbers, "%.3f,%.3f,%.3f,%lu,%.3f",
                          ms(c.latency.percentile(50)), ms(c.latency.percentile(99)),
                          ms(c.latency.max()), static_cast<unsigned long>(c.in_flight),
                          ms(c.oldest_age_us));
            out << s << ',' << phase_name << ',' << mode << ','
                << series_name(static_cast<Series>(i)) << ',' << c.planned << ','
                << c.latency.count() << ',' << c.errors << ',' << numbers << ',' << toggle << ','
                << server << '\n';
        }
    }
}

} // namespace ranking::load
