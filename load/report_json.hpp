#pragma once
// The machine-readable report: JSON (summary, phases, modes, toggles, per-second timeline by due
// time) and the timeline as CSV for plotting.
#include "report_text.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace ranking::load {

nlohmann::json report_json(const RunReport& report);

// One row per second of due time and series with traffic:
// t_s,phase,mode,series,planned,count,errors,p50_ms,p99_ms,max_ms,in_flight,
// oldest_in_flight_ms,toggle, then the server's view of that wall second (repeated on each
// series' row, empty without a scrape): server_lag_p99_ms,server_lag_max_ms,server_busy_ratio,
// server_queue_depth,server_in_flight,server_stalls,server_mode
void write_timeline_csv(const RunReport& report, std::ostream& out);

} // namespace ranking::load
