#include "report_text.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ranking::load {
namespace {

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

struct Section {
    std::string title;
    std::vector<std::string> lines; // before the table
    Table table;
};

std::string ms(std::uint64_t micros) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", static_cast<double>(micros) / 1000.0);
    return text;
}

std::string number(double value, const char* pattern = "%.1f") {
    char text[32];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string seconds(nanoseconds span) {
    return number(std::chrono::duration<double>(span).count(), "%.1f");
}

// The timeout as people write it: "10 s", "1.5 s", "0.25 s".
std::string timeout_text(milliseconds timeout) {
    return number(std::chrono::duration<double>(timeout).count(), "%g") + " s";
}

// A latency percentile in ms, or "unanswered" when it falls among requests never answered
// within the timeout: theirs is unknown, and the time the tool gave up is no latency. Not "over
// the timeout" either: the timeout runs from the send, so answered requests that first waited
// for a connection can show more than it. One word, so that the tables' columns stay countable
// for the scripts that read them.
std::string latency_cell(const SeriesStats& stats, double percent) {
    if (stats.latency.count() == 0) return "-";
    const auto value = stats.latency_percentile(percent);
    return value ? ms(*value) : "unanswered";
}

// "canary: 734 of 1000 unanswered within 10 s, ...", one line per series that had any.
std::vector<std::string> unanswered_lines(const std::array<SeriesStats, series_count>& series,
                                          milliseconds timeout) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < series_count; ++i)
        if (const auto lost = series[i].unanswered; lost > 0)
            lines.push_back(
                std::string(series_name(static_cast<Series>(i))) + ": " + std::to_string(lost) +
                " of " + std::to_string(series[i].latency.count()) + " unanswered within " +
                timeout_text(timeout) +
                ", their latency unknown (a percentile among them shows as unanswered)");
    return lines;
}

// Error answers are counted by status (a 503 is the server shedding or its store refusing, not
// a failed transport), the other classes by name: "12 (http_503 10 timeout 2)".
std::string errors_of(const SeriesStats& stats) {
    if (stats.error_total() == 0) return "0";
    std::string text = std::to_string(stats.error_total()) + " (";
    bool first = true;
    const auto add = [&](const std::string& name, std::uint64_t count) {
        text += (first ? "" : " ") + name + " " + std::to_string(count);
        first = false;
    };
    for (const auto& [status, count] : stats.statuses)
        add("http_" + std::to_string(status), count);
    for (std::size_t i = 0; i < error_class_count; ++i) {
        const auto error = static_cast<ErrorClass>(i);
        if (stats.errors[i] == 0 || error == ErrorClass::http_status) continue;
        add(std::string(error_class_name(error)), stats.errors[i]);
    }
    return text + ")";
}

Table series_table(const std::array<SeriesStats, series_count>& series, double span_seconds) {
    Table table{{"series", "count", "rate/s", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                 "p99.99 ms", "max ms"},
                {}};
    for (std::size_t i = 0; i < series_count; ++i) {
        const auto& s = series[i];
        if (s.latency.count() == 0 && s.planned == 0) continue;
        const auto count = s.latency.count();
        const auto cell = [&](double p) { return latency_cell(s, p); };
        table.rows.push_back({std::string(series_name(static_cast<Series>(i))),
                              std::to_string(count),
                              number(static_cast<double>(count) / span_seconds), errors_of(s),
                              cell(50), cell(90), cell(99), cell(99.9), cell(99.99), cell(100)});
    }
    return table;
}

// The collapse ratio, or why there is none. A canary p99 among the unanswered is no latency:
// dividing by or into it would print the time the tool gave up as a ratio (25,521x once, for
// canaries that never came back); that they never came back is the finding, said as such.
std::string collapse_line(const std::vector<ModeSummary>& modes, milliseconds timeout) {
    if (const auto ratio = collapse_ratio(modes))
        return "collapse ratio (inline canary p99 / offload canary p99): " +
               number(*ratio, "%.1f") + "x";
    const auto* inline_mode = find_mode(modes, "inline");
    const auto* offload_mode = find_mode(modes, "offload");
    if (!inline_mode || !offload_mode || inline_mode->canary.latency.count() == 0 ||
        offload_mode->canary.latency.count() == 0 ||
        (inline_mode->canary.latency_percentile(99) && offload_mode->canary.latency_percentile(99)))
        return "collapse ratio: n/a (needs a canary and both an inline and an offload phase)";
    const auto p99 = [&](const ModeSummary& m) {
        const auto& canary = m.canary;
        if (const auto value = canary.latency_percentile(99))
            return "the " + m.mode + " canary p99 is " + ms(*value) + " ms";
        return "the " + m.mode + " canary p99 falls among the " +
               std::to_string(canary.unanswered) + " of " + std::to_string(canary.latency.count()) +
               " " + m.mode + " canaries unanswered within " + timeout_text(timeout);
    };
    return "collapse ratio: none (a p99 among unanswered canaries is no latency): " +
           p99(*inline_mode) + "; " + p99(*offload_mode);
}

std::vector<Section> build(const RunReport& r) {
    std::vector<Section> sections;
    const auto timeout = r.options.timeout;
    const auto& phases = r.plan.phases();
    std::array<SeriesStats, series_count> overall;
    for (std::size_t p = 0; p < phases.size(); ++p) {
        const auto& stats = r.results.phases[p];
        const double span = std::chrono::duration<double>(phases[p].to - phases[p].from).count();
        for (std::size_t i = 0; i < series_count; ++i)
            overall[i].merge(stats.series[i]);
        const auto data = data_series(stats);
        Section phase{"Phase " + std::to_string(p + 1) + ": " + phases[p].mode + ", due " +
                          seconds(phases[p].from) + "-" + seconds(phases[p].to) + " s",
                      {"offered " + number(static_cast<double>(data.planned) / span) +
                       "/s, achieved " + number(static_cast<double>(stats.sent) / span) +
                       "/s; latency from due time"},
                      series_table(stats.series, span)};
        for (auto& line : unanswered_lines(stats.series, timeout))
            phase.lines.push_back(std::move(line));
        sections.push_back(std::move(phase));
    }
    if (phases.size() > 1)
        sections.push_back(
            {"All phases", unanswered_lines(overall, timeout),
             series_table(
                 overall,
                 std::chrono::duration<double>(r.plan.end() - r.plan.measured_from()).count())});

    Section by_mode{
        "Per mode",
        {},
        {{"mode", "seconds", "offered/s", "achieved/s", "errors", "players p50", "players p99",
          "players max", "canary p50", "canary p99", "canary max", "rank p50", "rank p99"},
         {}}};
    const auto cell = [](const SeriesStats& s, double p) { return latency_cell(s, p); };
    // "12.30 ms", but "unanswered" alone.
    const auto with_unit = [](const std::string& text) {
        return text == "unanswered" ? text : text + " ms";
    };
    for (const auto& m : r.modes)
        by_mode.table.rows.push_back(
            {m.mode, number(m.seconds), number(m.offered_rate), number(m.achieved_rate),
             std::to_string(m.data.error_total() + m.canary.error_total()), cell(m.cheap, 50),
             cell(m.cheap, 99), cell(m.cheap, 100), cell(m.canary, 50), cell(m.canary, 99),
             cell(m.canary, 100), cell(m.heavy, 50), cell(m.heavy, 99)});
    for (const auto& m : r.modes)
        if (m.games.planned > 0)
            by_mode.lines.push_back(
                m.mode + ": " + number(static_cast<double>(m.games.ok) / m.seconds) +
                " durable games/s (201) of " +
                number(static_cast<double>(m.games.planned) / m.seconds) + "/s offered, ack p50 " +
                with_unit(cell(m.games, 50)) + ", p99 " + with_unit(cell(m.games, 99)));
    for (const auto& m : r.modes) {
        if (m.canary.unanswered > 0)
            by_mode.lines.push_back(m.mode + ": " + std::to_string(m.canary.unanswered) + " of " +
                                    std::to_string(m.canary.latency.count()) +
                                    " canaries unanswered within " + timeout_text(timeout));
        if (m.data.unanswered > 0)
            by_mode.lines.push_back(m.mode + ": " + std::to_string(m.data.unanswered) + " of " +
                                    std::to_string(m.data.latency.count()) +
                                    " data requests unanswered within " + timeout_text(timeout));
    }
    by_mode.lines.push_back(collapse_line(r.modes, timeout));
    for (const auto& mark : r.toggles)
        by_mode.lines.push_back(
            "toggle at " + seconds(mark.planned.at) + " s to " +
            std::string(to_string(mark.planned.mode)) + ": " +
            (mark.applied_at
                 ? "applied at " +
                       number(std::chrono::duration<double>(*mark.applied_at).count(), "%.3f") +
                       " s"
                 : "FAILED (" + mark.detail + ")"));
    if (r.server.enabled)
        by_mode.lines.push_back(
            "server's view (GET /metrics each second): " + std::to_string(r.server.scrapes) +
            " scrapes, " + std::to_string(r.server.failed) + " failed" +
            (r.server.failed ? " (last: " + r.server.last_error + ")" : ""));
    sections.push_back(by_mode);

    const auto& v = r.verdict;
    Section validity{std::string("Validity: ") + (v.valid ? "VALID" : "NOT VALID"), {}, {}};
    validity.lines.push_back("offered " + number(v.offered_rate) + "/s, achieved (sent) " +
                             number(v.achieved_rate) + "/s, answered " + number(v.answered_rate) +
                             "/s");
    validity.lines.push_back(
        "tool send lag (its own lateness) p50 " + ms(v.tool_lag.percentile(50)) + " ms, p99 " +
        ms(v.tool_lag.percentile(99)) + " ms, max " + ms(v.tool_lag.max()) + " ms; tool CPU " +
        number(v.cpu_percent, "%.0f") + "% of one core" +
        (v.steal_percent ? "; machine steal " + number(*v.steal_percent, "%.1f") + "%" : ""));
    for (const auto& reason : v.reasons)
        validity.lines.push_back("NOT VALID: " + reason);
    for (const auto& note : v.notes)
        validity.lines.push_back("note: " + note);
    sections.push_back(validity);
    return sections;
}

void terminal_table(std::ostringstream& out, const Table& table) {
    std::vector<std::size_t> widths(table.header.size());
    for (std::size_t c = 0; c < widths.size(); ++c) {
        widths[c] = table.header[c].size();
        for (const auto& row : table.rows)
            widths[c] = std::max(widths[c], row[c].size());
    }
    const auto line = [&](const std::vector<std::string>& cells) {
        out << "  ";
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto pad = std::string(widths[c] - cells[c].size(), ' ');
            out << (c == 0 ? cells[c] + pad : pad + cells[c]) << (c + 1 < cells.size() ? "  " : "");
        }
        out << '\n';
    };
    line(table.header);
    for (const auto& row : table.rows)
        line(row);
}

void markdown_table(std::ostringstream& out, const Table& table) {
    const auto line = [&](const std::vector<std::string>& cells) {
        out << '|';
        for (const auto& cell : cells)
            out << ' ' << cell << " |";
        out << '\n';
    };
    line(table.header);
    out << '|';
    for (std::size_t c = 0; c < table.header.size(); ++c)
        out << (c == 0 ? " --- |" : " ---: |");
    out << '\n';
    for (const auto& row : table.rows)
        line(row);
}

} // namespace

std::string render_terminal(const RunReport& report) {
    std::ostringstream out;
    for (const auto& section : build(report)) {
        out << '\n' << section.title << '\n';
        for (const auto& line : section.lines)
            out << "  " << line << '\n';
        if (!section.table.header.empty()) terminal_table(out, section.table);
    }
    return out.str();
}

std::string render_markdown(const RunReport& report) {
    std::ostringstream out;
    out << "# ranking-load: " << report.options.url << ", "
        << (report.options.rate ? number(*report.options.rate, "%g") + " req/s" : "closed loop")
        << ", mix " << to_string(report.options.mix) << ", " << report.options.connections
        << " connections\n";
    for (const auto& section : build(report)) {
        out << "\n## " << section.title << "\n\n";
        for (const auto& line : section.lines)
            out << "- " << line << '\n';
        if (!section.lines.empty()) out << '\n';
        if (!section.table.header.empty()) markdown_table(out, section.table);
    }
    return out.str();
}

} // namespace ranking::load
